// Package httpx holds the HTTP plumbing every handler shares: TernantApp's error shape, JSON
// responses, strict request decoding and validation, query parsing, pagination, the route table and
// the cross-cutting middleware.
package httpx

import (
	"context"
	"errors"
	"net/http"

	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/redisclient"
)

// Error is an HTTP error with TernantApp's (NestJS's) body:
// {"message": string | [string...], "error": "<status text>", "statusCode": N}.
type Error struct {
	Status  int
	Message string
	// Messages, when set, is sent as the message array (validation failures).
	Messages []string
	// Headers are added to the response (Retry-After, ...).
	Headers http.Header
	cause   error
}

func (e *Error) Error() string {
	if len(e.Messages) > 0 {
		return http.StatusText(e.Status) + ": " + e.Messages[0]
	}
	return http.StatusText(e.Status) + ": " + e.Message
}

// Unwrap returns the error that caused e, if any.
func (e *Error) Unwrap() error { return e.cause }

// NewError builds an error with one message.
func NewError(status int, msg string) *Error { return &Error{Status: status, Message: msg} }

// BadRequest is a 400 with one message.
func BadRequest(msg string) *Error { return NewError(http.StatusBadRequest, msg) }

// NotFound is a 404 with one message.
func NotFound(msg string) *Error { return NewError(http.StatusNotFound, msg) }

// Conflict is a 409 with one message.
func Conflict(msg string) *Error { return NewError(http.StatusConflict, msg) }

// Unauthorized is a 401 with one message.
func Unauthorized(msg string) *Error { return NewError(http.StatusUnauthorized, msg) }

// Forbidden is a 403 with one message.
func Forbidden(msg string) *Error { return NewError(http.StatusForbidden, msg) }

// Invalid is a 400 whose message is the list of validation failures.
func Invalid(msgs ...string) *Error {
	return &Error{Status: http.StatusBadRequest, Messages: msgs}
}

// errorBody keeps Nest's key order: message, error, statusCode.
type errorBody struct {
	Message    any    `json:"message"`
	Error      string `json:"error,omitempty"`
	StatusCode int    `json:"statusCode"`
}

// WriteError answers with err in TernantApp's shape. Domain errors from the db package map to
// their codes; anything unrecognised is a 500 whose detail is logged, never sent. The cause of
// every 5xx goes into the request's access-log line (see AccessLog).
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	var he *Error
	if !errors.As(err, &he) {
		he = classify(err)
	}
	if he.Status >= http.StatusInternalServerError {
		cause := error(he)
		if he.cause != nil {
			cause = he.cause
		}
		noteFailure(r.Context(), cause)
	}
	for k, vs := range he.Headers {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	body := errorBody{StatusCode: he.Status, Error: http.StatusText(he.Status)}
	switch {
	case len(he.Messages) > 0:
		body.Message = he.Messages
	default:
		body.Message = he.Message
	}
	if he.Status == http.StatusInternalServerError {
		// Nest's InternalServerErrorException body has no "error" key.
		body.Error = ""
	}
	WriteJSON(w, he.Status, body)
}

// retryAfter is the Retry-After of a 503: dependencies are retried every second or so, and the
// client gets a fresh answer by then.
const retryAfter = "1"

// Unavailable is a 503 with Retry-After: a dependency (the database, Redis) did not answer in time.
func Unavailable(cause error) *Error {
	return &Error{Status: http.StatusServiceUnavailable, Message: "Service temporarily unavailable, try again",
		Headers: http.Header{"Retry-After": {retryAfter}}, cause: cause}
}

func classify(err error) *Error {
	switch {
	case errors.Is(err, db.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Message: "Not Found", cause: err}
	case errors.Is(err, db.ErrConflict):
		return &Error{Status: http.StatusConflict, Message: "Conflict", cause: err}
	case errors.Is(err, db.ErrBadReference):
		return &Error{Status: http.StatusBadRequest, Message: "Referenced record does not exist", cause: err}
	case errors.Is(err, db.ErrPoolTimeout), errors.Is(err, db.ErrUnavailable), errors.Is(err, db.ErrRetryable),
		errors.Is(err, redisclient.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		return Unavailable(err)
	case errors.Is(err, context.Canceled):
		// The client went away; 499 is nginx's convention and never reaches anyone.
		return &Error{Status: 499, Message: "Client closed request", cause: err}
	}
	return &Error{Status: http.StatusInternalServerError, Message: "Internal server error", cause: err}
}
