#!/usr/bin/env python3
"""Regenerates src/scan/common_grams.txt: the 8,192 most frequent ASCII-folded four-byte sequences in
the text files under the given directories (binary files, those with a NUL byte in their first 8,000
bytes, are skipped), most frequent first, as hex, eight a line.

    python3 scripts/common-grams.py ~/.cargo/registry/src /usr/include /usr/lib/python3.11 \
        > src/scan/common_grams.txt

The keyword prefilter (src/scan/prefilter.rs) files each keyword under a piece not in this list, so
any large corpus of source code will do: the list only decides which piece of a keyword is looked
for, never what is found. Takes some minutes on 500 MB.
"""
import collections
import os
import sys

HEADER = """\
# The 8,192 most frequent four-byte sequences (ASCII-folded) in source code, most frequent first, as hex.
# The keyword prefilter (src/scan/prefilter.rs) files each keyword under one of its four-byte pieces and
# avoids these. Counted over the text files of a crates.io source cache (~/.cargo/registry/src, 442 crates:
# Rust, vendored C, docs, data), /usr/include (C headers) and /usr/lib/python3.11 (Python); regenerate with
# `python3 scripts/common-grams.py ~/.cargo/registry/src /usr/include /usr/lib/python3.11`. The list only
# steers which piece of a keyword is looked for, never what is found."""


def main():
    counts = collections.Counter()
    for root in sys.argv[1:]:
        for d, _, names in os.walk(root):
            for n in names:
                p = os.path.join(d, n)
                if os.path.islink(p) or not os.path.isfile(p):
                    continue
                with open(p, "rb") as f:
                    data = f.read()
                if b"\0" in data[:8000]:
                    continue
                data = data.lower()
                counts.update(data[i : i + 4] for i in range(len(data) - 3))
    top = sorted(counts.items(), key=lambda kv: (-kv[1], int.from_bytes(kv[0], "big")))[:8192]
    print(HEADER)
    for i in range(0, len(top), 8):
        print(" ".join(g.hex() for g, _ in top[i : i + 8]))


if __name__ == "__main__":
    main()
