#!/usr/bin/env node
'use strict';
// faceapi-bench.js: TF.js latency of the models of idgate's face chain, for
// comparison with `go test -bench` (docs/benchmarks/face.md). The oracle's
// bench.js times blazeface, antispoof and liveness but not face-api's two
// nets; this script times all five and the chain's selfie path
// (blazeface + landmarks + recognition + antispoof + liveness back to back,
// inference only) per backend, each backend in its own child process.
// Dev tooling only: it loads the TF.js oracle's cached install.
//
//   ../shared/tools/tfjs-oracle/run.sh --setup     # once: installs the oracle into ~/.cache
//   node bench/face/faceapi-bench.js [--backend wasm,wasm-nosimd] [--runs 50] [--warmup 10]
//
// Prints min and median per model: on a shared machine the minimum is the
// better estimate of the unloaded latency.

const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const CACHE = process.env.TFJS_ORACLE_CACHE
  || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'idgate-tfjs-oracle');

function parseArgs(argv) {
  const a = { runs: 50, warmup: 10, backends: ['wasm', 'wasm-nosimd'], child: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => argv[++i];
    switch (k) {
      case '--runs': a.runs = Number(v()); break;
      case '--warmup': a.warmup = Number(v()); break;
      case '--backend': a.backends = v().split(','); break;
      case '--child': a.child = true; break;
      default: throw new Error(`unknown argument ${k}`);
    }
  }
  return a;
}

function median(xs) {
  const s = [...xs].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)];
}

// xorshift32 input in the net's range, repeatable.
function synthetic(n, scale, offset) {
  const data = new Float32Array(n);
  let s = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    data[i] = Math.fround((s % 256) * scale + offset);
  }
  return data;
}

async function child(args) {
  const lib = require(path.join(CACHE, 'lib.js'));
  const fa = require(path.join(CACHE, 'faceapi-lib.js'));
  const { performance } = require('perf_hooks');
  const backend = args.backends[0];
  await lib.initBackend(backend);
  const { tf } = lib;
  const units = [];
  for (const name of ['blazeface', 'antispoof', 'liveness']) {
    const spec = lib.modelSpec(name);
    const { model } = await lib.loadModel(name);
    const x = tf.tensor4d(synthetic(spec.h * spec.w * 3, name === 'blazeface' ? 1 / 127.5 : 1 / 255, name === 'blazeface' ? -1 : 0), [1, spec.h, spec.w, 3]);
    units.push({ name, run: () => lib.run(model, x) });
  }
  for (const name of ['landmarks', 'recognition']) {
    const net = fa.loadNet(name);
    const size = net.spec.size;
    const data = synthetic(size * size * 3, 1 / 255, -0.45);
    units.push({ name: `face-api ${name}`, run: () => fa.forward(net, data) });
  }
  const order = ['blazeface', 'face-api landmarks', 'face-api recognition', 'antispoof', 'liveness'];
  units.push({
    name: 'selfie chain (all five)',
    run: async () => { for (const n of order) await units.find((u) => u.name === n).run(); },
  });
  const results = [];
  for (const u of units) {
    for (let i = 0; i < args.warmup; i++) await u.run();
    const times = [];
    for (let i = 0; i < args.runs; i++) {
      const t0 = performance.now();
      await u.run();
      times.push(performance.now() - t0);
    }
    results.push({ model: u.name, backend, medianMs: median(times), minMs: Math.min(...times) });
    process.stderr.write(`  ${backend} ${u.name}: median ${median(times).toFixed(2)} ms\n`);
  }
  process.stdout.write(JSON.stringify(results));
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) return child(args);
  const all = [];
  for (const b of args.backends) {
    const out = execFileSync(process.execPath, [__filename, '--child', '--backend', b, '--runs', String(args.runs), '--warmup', String(args.warmup)],
      { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
    all.push(...JSON.parse(out.toString()));
  }
  const models = [...new Set(all.map((r) => r.model))];
  console.log(`${new Date().toISOString()} | ${os.cpus()[0].model} x${os.cpus().length} | node ${process.version} | ${args.runs} runs after ${args.warmup} warm-up, batch 1, ms: min / median`);
  console.log(`| model | ${args.backends.join(' | ')} |`);
  console.log(`|---|${args.backends.map(() => '---').join('|')}|`);
  const cell = (r) => (r ? `${r.minMs.toFixed(2)} / ${r.medianMs.toFixed(2)}` : '');
  for (const m of models) {
    console.log(`| ${m} | ${args.backends.map((b) => cell(all.find((r) => r.model === m && r.backend === b))).join(' | ')} |`);
  }
  return undefined;
}

Promise.resolve(main()).catch((err) => {
  console.error(`faceapi-bench: ${err.stack || err.message}`);
  process.exit(1);
});
