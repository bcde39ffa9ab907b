// Package s3test runs a real S3-compatible object server for tests: gofakes3 over a directory,
// served over HTTP on a loopback port by a child process (the test binary itself, re-executed),
// so a test talks to it through the network like to any object store and can kill it.
package s3test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3afero"
	"github.com/spf13/afero"
)

const (
	envDir     = "TERNANT_S3TEST_DIR"
	envBuckets = "TERNANT_S3TEST_BUCKETS"
)

// Main turns the process into the S3 server when Start launched it, and otherwise returns at
// once. Call it first in the TestMain of every package that uses Start.
func Main() {
	dir := os.Getenv(envDir)
	if dir == "" {
		return
	}
	if err := serve(dir, strings.Split(os.Getenv(envBuckets), ",")); err != nil {
		fmt.Fprintln(os.Stderr, "s3test:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func serve(dir string, buckets []string) error {
	backend, err := s3afero.MultiBucket(afero.NewBasePathFs(afero.NewOsFs(), dir))
	if err != nil {
		return err
	}
	for _, b := range buckets {
		if b == "" {
			continue
		}
		if err := backend.CreateBucket(b); err != nil && !gofakes3.IsAlreadyExists(err) {
			return fmt.Errorf("create bucket %s: %w", b, err)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	// The parent reads the address from the first line.
	fmt.Println(l.Addr().String())
	srv := &http.Server{Handler: emptyPrefixLists(dir, decodeChunkedParts(gofakes3.New(backend).Server())), ReadHeaderTimeout: 10 * time.Second}
	return srv.Serve(l)
}

// Server is a running S3 server process.
type Server struct {
	// Endpoint is its base URL, http://127.0.0.1:PORT.
	Endpoint string
	// Dir is the directory it stores buckets in.
	Dir string
	cmd *exec.Cmd
}

// Start launches a server holding buckets (created empty) until the test ends.
func Start(t testing.TB, buckets ...string) *Server {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), envDir+"="+dir, envBuckets+"="+strings.Join(buckets, ","))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start S3 server: %v", err)
	}
	s := &Server{Dir: dir, cmd: cmd}
	t.Cleanup(s.Stop)
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("S3 server did not start (did TestMain call s3test.Main?): %v", err)
	}
	s.Endpoint = "http://" + strings.TrimSpace(line)
	return s
}

// Stop kills the server process (a crash, as far as clients can tell).
func (s *Server) Stop() {
	if s.cmd.ProcessState != nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

// decodeChunkedParts removes the aws-chunked framing (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) from
// multipart part uploads, as S3 does: gofakes3 decodes it for single PUTs only and would
// otherwise store the chunk headers inside the object.
func decodeChunkedParts(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPut || !r.URL.Query().Has("partNumber") ||
			!strings.HasPrefix(r.Header.Get("X-Amz-Content-Sha256"), "STREAMING-") {
			next.ServeHTTP(w, r)
			return
		}
		body, err := decodeChunked(bufio.NewReader(r.Body))
		r.Body.Close()
		if err != nil {
			http.Error(w, "bad aws-chunked body: "+err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.Header.Set("Content-Length", strconv.Itoa(len(body)))
		r.Header.Del("X-Amz-Content-Sha256")
		next.ServeHTTP(w, r)
	})
}

// decodeChunked reads "<hex size>;chunk-signature=...\r\n<data>\r\n" chunks up to the empty one.
func decodeChunked(br *bufio.Reader) ([]byte, error) {
	var out []byte
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return nil, err
		}
		sizeHex, _, _ := strings.Cut(strings.TrimSpace(line), ";")
		n, err := strconv.ParseInt(sizeHex, 16, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("chunk size %q", sizeHex)
		}
		if n == 0 {
			return out, nil
		}
		start := len(out)
		out = append(out, make([]byte, n)...)
		if _, err := io.ReadFull(br, out[start:]); err != nil {
			return nil, err
		}
		if crlf, err := br.ReadString('\n'); err != nil || strings.TrimSpace(crlf) != "" {
			return nil, fmt.Errorf("chunk not followed by CRLF")
		}
	}
}

// emptyPrefixLists answers a listing under a prefix that holds nothing yet with an empty list, as
// S3 does: gofakes3's directory backend reports such a prefix as a missing bucket.
func emptyPrefixLists(dir string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bucket := strings.Trim(r.URL.Path, "/")
		prefix := r.URL.Query().Get("prefix")
		if r.Method != http.MethodGet || bucket == "" || strings.Contains(bucket, "/") || !strings.Contains(prefix, "/") {
			next.ServeHTTP(w, r)
			return
		}
		prefixDir := prefix[:strings.LastIndex(prefix, "/")]
		_, bucketErr := os.Stat(filepath.Join(dir, "buckets", bucket))
		_, prefixErr := os.Stat(filepath.Join(dir, "buckets", bucket, filepath.FromSlash(prefixDir)))
		if bucketErr != nil || !os.IsNotExist(prefixErr) {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+
			`<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>%s</Name><Prefix>%s</Prefix>`+
			`<KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>`, bucket, prefix)
	})
}
