package httpx

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// WriteJSON encodes v compactly (no HTML escaping, as Express does not escape) and writes it with
// status. Encoding happens before the header is written, so an encoding failure is still a clean 500.
// A json.RawMessage is written as it is: it is a body this package encoded earlier (a cached page).
func WriteJSON(w http.ResponseWriter, status int, v any) {
	if raw, ok := v.(json.RawMessage); ok {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write(raw)
		return
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := encode(buf, v); err != nil {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"message":"Internal server error","statusCode":500}`))
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// encode appends v's JSON to buf the way every response is encoded, without a trailing newline.
func encode(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1) // Encode's trailing newline
	return nil
}

// OK writes v with 200.
func OK(w http.ResponseWriter, v any) { WriteJSON(w, http.StatusOK, v) }

// Created writes v with 201.
func Created(w http.ResponseWriter, v any) { WriteJSON(w, http.StatusCreated, v) }

// NoContent answers 204.
func NoContent(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }

// EmptyOK answers 200 with an empty body (Nest's DELETE without @HttpCode).
func EmptyOK(w http.ResponseWriter) { w.WriteHeader(http.StatusOK) }
