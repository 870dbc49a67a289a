package tokenize

import (
	"os"
	"path/filepath"
	"testing"
)

// readShared reads the real seed article from ../shared beside the checkout.
func readShared(t *testing.T) ([]byte, error) {
	t.Helper()
	return os.ReadFile(filepath.Join("..", "..", "..", "shared", "seeds", "000_1f7aff34b7c1632d.txt"))
}
