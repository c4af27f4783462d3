package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"
)

// message is what the api answers; edit it and devloop recompiles in the compiler container.
const message = "hello from api"

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8081"
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("content-type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"message": message})
	})
	log.Printf("api listening on :%s", port)
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
