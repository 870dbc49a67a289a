package novelty

import (
	"encoding/binary"
	"errors"
)

// sigBytes is the size of an encoded Signature: the minima, then a flag.
const sigBytes = numHashes*8 + 1

// errSignature reports bytes that are not an encoded Signature.
var errSignature = errors.New("novelty: malformed signature")

// MarshalBinary encodes the signature, so that engines which move articles
// between machines (the Beam pipeline in beam/) can carry it to the single
// place where the Detector sees every article in order.
func (s Signature) MarshalBinary() ([]byte, error) {
	b := make([]byte, sigBytes)
	for i, m := range s.mins {
		binary.LittleEndian.PutUint64(b[i*8:], m)
	}
	if s.empty {
		b[sigBytes-1] = 1
	}
	return b, nil
}

// UnmarshalBinary decodes a signature encoded by MarshalBinary.
func (s *Signature) UnmarshalBinary(b []byte) error {
	if len(b) != sigBytes || b[sigBytes-1] > 1 {
		return errSignature
	}
	for i := range s.mins {
		s.mins[i] = binary.LittleEndian.Uint64(b[i*8:])
	}
	s.empty = b[sigBytes-1] == 1
	return nil
}
