package health

import "testing"

func TestReadMemoryReportsTheRuntime(t *testing.T) {
	m := readMemory()
	if m.RSS == 0 || m.HeapUsed == 0 || m.HeapTotal < m.HeapUsed || m.RSS < m.HeapTotal || m.External == 0 {
		t.Errorf("memory figures inconsistent: %+v", m)
	}
}
