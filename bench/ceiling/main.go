// Command ceiling is the baseline for idgate's load runs: a trivial
// net/http handler that decodes a JSON body and answers a small JSON
// object. Measured with the same load generator in the same run, it shows
// what this machine's HTTP stack allows at best.
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:8090", "address")
	flag.Parse()
	http.HandleFunc("POST /", func(w http.ResponseWriter, r *http.Request) {
		var in map[string]any
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"title": "ok", "status": 200, "response": in})
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
