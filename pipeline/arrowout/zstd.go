package arrowout

import (
	"sync"

	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/klauspost/compress/zstd"
)

// Arrow v17's Parquet zstd codec builds a new zstd encoder for every page
// it compresses (compress.zstdCodec.EncodeLevel), which dominated the cost
// of writing many small Parquet files, e.g. a partitioned archive: a third
// of the run's CPU and most of its garbage. pooledZstd keeps one encoder
// per level instead. EncodeAll makes an independent frame per call, so the
// bytes are the same as with a fresh encoder.
type pooledZstd struct {
	compress.Codec // the library's codec, for everything but EncodeLevel
	mu             sync.Mutex
	enc            map[zstd.EncoderLevel]*zstd.Encoder
}

// EncodeLevel compresses src into dst with the encoder of level.
func (c *pooledZstd) EncodeLevel(dst, src []byte, level int) []byte {
	l := zstd.EncoderLevelFromZstd(level)
	if level == compress.DefaultCompressionLevel {
		l = zstd.SpeedDefault
	}
	c.mu.Lock()
	enc := c.enc[l]
	if enc == nil {
		var err error
		// One encoder, not one per core: tables are written by one
		// goroutine, and each encoder holds megabytes of history.
		enc, err = zstd.NewWriter(nil, zstd.WithZeroFrames(true), zstd.WithEncoderLevel(l), zstd.WithEncoderConcurrency(1))
		if err != nil {
			c.mu.Unlock()
			return c.Codec.EncodeLevel(dst, src, level) // cannot happen with these options
		}
		c.enc[l] = enc
	}
	c.mu.Unlock()
	return enc.EncodeAll(src, dst[:0]) // safe for concurrent use: callers queue
}

// pooledZstdOnce installs pooledZstd in the Parquet codec registry, which
// is the library's process-wide table: there is no per-writer option.
var pooledZstdOnce sync.Once

func usePooledZstd() {
	pooledZstdOnce.Do(func() {
		lib, err := compress.GetCodec(compress.Codecs.Zstd)
		if err != nil {
			return // no zstd codec: the writer reports it
		}
		compress.RegisterCodec(compress.Codecs.Zstd, &pooledZstd{Codec: lib, enc: map[zstd.EncoderLevel]*zstd.Encoder{}})
	})
}
