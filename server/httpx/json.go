package httpx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// MaxResponseBytes bounds a success body. Every row is bounded by the validation rules, so only a
// large page of large rows can pass it; that request is answered 400 asking for fewer rows rather
// than tying up the server's memory and the client's connection for hundreds of megabytes.
var MaxResponseBytes = 32 << 20

// tooLarge answers a success body over MaxResponseBytes.
func tooLarge(w http.ResponseWriter, n int) {
	WriteJSON(w, http.StatusBadRequest, map[string]any{
		"message":    fmt.Sprintf("Response too large (%d bytes; at most %d): ask for fewer rows with limit", n, MaxResponseBytes),
		"error":      "Bad Request",
		"statusCode": http.StatusBadRequest,
	})
}

// WriteJSON encodes v compactly (no HTML escaping, as Express does not escape) and writes it with
// status. Encoding happens before the header is written, so an encoding failure is still a clean 500.
// A json.RawMessage is written as it is: it is a body this package encoded earlier (a cached page).
func WriteJSON(w http.ResponseWriter, status int, v any) {
	if raw, ok := v.(json.RawMessage); ok {
		if status < 300 && len(raw) > MaxResponseBytes {
			tooLarge(w, len(raw))
			return
		}
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
	if status < 300 && buf.Len() > MaxResponseBytes {
		tooLarge(w, buf.Len())
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
