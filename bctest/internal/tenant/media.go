package tenant

import (
	"maps"
	"sync"
)

// Media holds a company's uploaded stream content (pictures, attachments),
// keyed "set(id)/property".
type Media struct {
	mu    sync.RWMutex
	blobs map[string]Blob
}

// Blob is one stream's content.
type Blob struct {
	ContentType string
	Data        []byte
}

// Get returns the content stored under key.
func (m *Media) Get(key string) (Blob, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	b, ok := m.blobs[key]
	return b, ok
}

// Put stores content under key.
func (m *Media) Put(key string, b Blob) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.blobs[key] = b
}

// Delete drops the content under key.
func (m *Media) Delete(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.blobs, key)
}

// All returns a copy of every stored stream, by key.
func (m *Media) All() map[string]Blob {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return maps.Clone(m.blobs)
}

// PutAll stores every stream of blobs.
func (m *Media) PutAll(blobs map[string]Blob) {
	m.mu.Lock()
	defer m.mu.Unlock()
	maps.Copy(m.blobs, blobs)
}
