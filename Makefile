# Convenience targets; scripts/test.sh is the canonical test command.
.PHONY: score test bench

score:
	go run ./cmd/marktstem score

test:
	bash scripts/test.sh

bench:
	go test -run='^$$' -bench=. -benchmem ./...
