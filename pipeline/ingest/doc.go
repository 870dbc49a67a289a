// Package ingest reads news articles for marktstem and turns every input
// into either an Article or a Reject with a Reason: bad input never crashes
// a run and is never dropped silently.
//
// # Inputs
//
// Reader.Walk takes files, directories and "-" (stdin). Directories are
// read recursively in sorted path order; hidden entries (names starting
// with ".") are skipped, and only the formats below are read; other files
// are counted by Reader.Skipped and logged. Directory symlinks are followed,
// each real directory at most once, so symlink loops terminate. A file named
// explicitly is read whatever its extension (format sniffed as for stdin).
// Reader.WalkFS does the same over an fs.FS, such as the embedded seeds.
//
// # Text format (.txt)
//
// One article per file. The first line is the header:
//
//	 date 2021-09 Optional headline on the rest of the line
//	<body: everything after the first line>
//
// The header is: optional blanks, the word "date" (any case), blanks, a date
// YYYY-MM (Precision month, Published is the first of the month) or
// YYYY-MM-DD (Precision day), and optionally blanks and the title. A UTF-8
// BOM and CRLF line endings are accepted (CRLF becomes LF in Title and
// Body). When the header carries no title, Title stays empty and the whole
// rest is Body: guessing a headline from the body would silently move
// headline weighting onto ordinary text. Body is trimmed of surrounding
// white space. The article id is the file name without ".gz" and without
// its format extension ("000_1f7a.txt" and "000_1f7a.txt.gz" give
// "000_1f7a"); from stdin it is "stdin".
//
// # JSONL format (.jsonl, .ndjson)
//
// One JSON object per line:
//
//		{"id":"a1","published":"2024-03-14","title":"…","body":"…","source":"fd.nl","url":"https://…"}
//
//	  - id: string, or a number kept as written (42 → "42"); required.
//	  - published: "YYYY-MM" (month), "YYYY-MM-DD" (day) or an RFC 3339 time
//	    such as "2024-03-14T09:30:00+01:00" (time, converted to UTC); required.
//	  - title, body: strings, trimmed; at least one must be non-empty.
//	  - source, url: optional strings.
//
// Years must lie in 1000–9999: earlier ones are typos in a news corpus
// (and year 1 would be the zero time). Unknown fields are ignored. Blank lines are skipped and are not articles.
// Lines are read with a bounded buffer: a line longer than
// Options.MaxArticleBytes is consumed without being held in memory,
// rejected as too_large, and reading continues with the next line.
// Origin.Line is the line number; Origin.Offset the line's byte offset.
//
// # Compression and stdin
//
// Either format may be gzip-compressed (".gz" suffix; gzip is also
// recognised by its magic bytes under any name). Offsets and Record.Bytes
// count decompressed bytes. A truncated or corrupt stream keeps every
// article read completely before the damage and then yields one bad_gzip
// reject. Stdin is sniffed: if its first non-blank character is "{" it is
// JSONL, otherwise a single .txt article.
//
// # Rejects
//
// A Reject names the file, line and Reason (see Reasons): invalid UTF-8
// (with the byte offset), NUL bytes, an empty file, a line that is not a
// JSON object, a missing or impossible date, a missing id, no text, an
// article over the size limit, an unreadable file, damaged gzip, and an id
// already seen in the walk (the first one wins; the detail names the file
// and line where it was). The ids seen are kept as 128-bit hashes: the
// newest in memory, older ones in sorted runs on disk behind Bloom filters
// (see Options.MaxIDs), so the check costs about 1.2 bytes of memory per
// article however long the walk. A missing or unreadable top-level input is not a Reject but an
// error from Walk, because it is a usage problem.
package ingest
