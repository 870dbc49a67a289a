package scoring

import (
	"hash/maphash"
	"strings"
	"sync"
)

// memo remembers resolved words (vocabulary.build) for all workers, behind
// each worker's own cache. It is safe for concurrent use and bounded: once
// a shard is full new words are resolved every time, so memory stays flat
// over any archive. It never changes a result, only how fast it is found.
type memo[V any] struct {
	seed   maphash.Seed
	shards [memoShards]memoShard[V]
}

const (
	memoShards   = 32
	memoShardCap = 1 << 14 // words per shard: 512 Ki words
)

type memoShard[V any] struct {
	mu sync.RWMutex
	m  map[string]V
}

type memoVal struct {
	entry int32 // −1: no entry
	via   Via
}

func newMemo[V any]() *memo[V] {
	m := &memo[V]{seed: maphash.MakeSeed()}
	for i := range m.shards {
		m.shards[i].m = make(map[string]V)
	}
	return m
}

func (m *memo[V]) shard(w string) *memoShard[V] {
	return &m.shards[maphash.String(m.seed, w)%memoShards]
}

func (m *memo[V]) get(w string) (V, bool) {
	sh := m.shard(w)
	sh.mu.RLock()
	v, ok := sh.m[w]
	sh.mu.RUnlock()
	return v, ok
}

func (m *memo[V]) put(w string, v V) {
	sh := m.shard(w)
	sh.mu.Lock()
	if len(sh.m) < memoShardCap {
		// Clone: w may point into an article's text, which must not be
		// kept alive by the cache.
		sh.m[strings.Clone(w)] = v
	}
	sh.mu.Unlock()
}
