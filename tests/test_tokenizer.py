"Tests of the code tokenizer (`graphmer.tokenizer`): registry, exact decoding, word boundaries, tails, persistence, vocab size, determinism."
import hashlib, re, subprocess, sys
from pathlib import Path
import pytest
from tokenizers import Tokenizer
from graphmer.core import default_corpus
from graphmer.extract import build_kg, load_kg
from graphmer.tokenizer import (SPECIAL_TOKENS, PAD_ID, UNK_ID, CLS_ID, SEP_ID, MASK_ID, GRAPH_ID, CodeTokenizer, pieces,
                                corpus_files, corpus_texts, read_code, split_files, train_on_corpus, tokenizer_stats)

IDENT = re.compile(r"[^\W\d]\w*")   # a Python identifier


@pytest.fixture(scope="module")
def trained():
    "A 12k tokenizer trained on 200 stdlib files, and 20 held-out stdlib files' texts."
    return train_on_corpus(vocab_size=12_000, heldout=20, max_files=220, seed=1)


@pytest.fixture(scope="module")
def tok(trained): return trained[0]


@pytest.fixture(scope="module")
def held(trained): return trained[1]


def test_special_token_ids(tok):
    assert (PAD_ID, UNK_ID, CLS_ID, SEP_ID, MASK_ID, GRAPH_ID) == (0, 1, 2, 3, 4, 5)
    assert SPECIAL_TOKENS == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[GRAPH]"]
    assert [tok.hf.token_to_id(t) for t in SPECIAL_TOKENS] == list(range(6))
    assert tok.decode([CLS_ID, MASK_ID, SEP_ID, GRAPH_ID, PAD_ID]) == "[CLS][MASK][SEP][GRAPH][PAD]"


def test_literal_special_strings_in_code_are_code(tok):
    src = 'x = "[MASK]" + "[CLS]"  # [PAD]\n'
    ids = tok.encode(src).ids
    assert not set(ids) & set(range(6)) and tok.decode(ids) == src


def test_roundtrip_on_real_stdlib_files(tok, held):
    assert len(held) == 20
    extra = [read_code(default_corpus() / p) for p in ("json/decoder.py", "unicodedata.py", "tokenize.py", "locale.py")]
    for text in held + [t for t in extra if t]:
        enc = tok.encode(text)
        assert tok.decode(enc.ids) == text
        assert UNK_ID not in enc.ids
        assert sum(enc.word_starts) == len(pieces(text))


def test_roundtrip_odd_text(tok):
    for s in ["", "\r\n\t\x0c\x00", "é中文😀 \u0301ǅ", "a\u2028b", "\ufeffimport os\r\n", "x" * 5000, "    \n\n\t\t  "]:
        assert tok.decode(tok.encode(s).ids) == s


def test_stats_on_heldout(tok, held):
    st = tokenizer_stats(tok, held)
    assert st["unk_rate"] == 0 and st["roundtrip_errors"] == 0 and st["pieces_per_line"] <= st["tokens_per_line"] < 30


def starts(tok, text):
    "The text of each word (tokens from one word start to the next)."
    enc = tok.encode(text)
    cut = [s for (s, _), w in zip(enc.offsets, enc.word_starts) if w] + [len(text)]
    return [text[a:b] for a, b in zip(cut, cut[1:])]


@pytest.mark.parametrize("text,words", [
    ("parse_json_value", ["parse", "_", "json", "_", "value"]),
    ("HTTPServerError", ["HTTP", "Server", "Error"]),
    ("getX2", ["get", "X", "2"]),
    ("XMLHttpRequest", ["XML", "Http", "Request"]),
    ("__init__", ["__", "init", "__"]),
    ("self._cache_size", ["self", ".", "_", "cache", "_", "size"]),
    ("x **= y // 2 -> z != w", ["x", " ", "**=", " ", "y", " ", "//", " ", "2", " ", "->", " ", "z", " ", "!=", " ", "w"]),
    ("if a:\n        b()", ["if", " ", "a", ":", "\n        ", "b", "(", ")"]),
])
def test_word_starts(tok, text, words):
    enc = tok.encode(text)
    assert len(enc.word_starts) == len(enc.ids) and enc.word_starts[0]
    assert starts(tok, text) == words
    assert words == pieces(text)


def test_word_starts_on_rare_identifier(tok):
    "A rare piece takes several tokens: only the first is a word start."
    enc = tok.encode("zqxjv_kwpfh")
    assert len(enc.ids) > 3 and starts(tok, "zqxjv_kwpfh") == ["zqxjv", "_", "kwpfh"]


def test_offsets_are_characters(tok):
    text = "é = '中文'"
    enc = tok.encode(text)
    assert enc.offsets[0] == (0, 1) and enc.offsets[-1] == (len(text) - 1, len(text))


def test_encode_name_matches_identifiers_in_code(tok, held):
    "Every identifier occurrence (and dotted name) in real files is cut into the same tokens as `encode_name` gives."
    checked = 0
    for text in held[:5] + [read_code(default_corpus() / "json" / "decoder.py")]:
        enc = tok.encode(text)
        first = {s: i for i, (s, _) in enumerate(enc.offsets) if enc.word_starts[i]}
        for m in list(IDENT.finditer(text)) + list(re.finditer(r"\w+(?:\.\w+)+", text)):
            if m.start() not in first: continue      # inside a longer piece, e.g. `2nd` (digits then letters)
            i, ids = first[m.start()], tok.encode_name(m.group())
            assert enc.ids[i:i + len(ids)] == ids, m.group()
            assert enc.offsets[i + len(ids) - 1][1] == m.end()
            checked += 1
    assert checked > 1000
    assert tok.encode_name("HTTPServerError") == tok.encode("x = HTTPServerError()").ids[4:-2]


def test_save_load_identical(tok, held, tmp_path):
    p = tok.save(tmp_path)
    assert p == tmp_path / "tokenizer.json"
    again, also = CodeTokenizer.load(tmp_path), CodeTokenizer.load(p)
    assert again.vocab_size == tok.vocab_size == also.vocab_size
    assert again.hf.to_str() == tok.hf.to_str()
    for t in held[:5]: assert again.encode(t) == tok.encode(t)
    plain = Tokenizer.from_file(str(p))
    assert plain.encode(held[0], add_special_tokens=False).ids == tok.encode(held[0]).ids


def test_vocab_50k_accepted():
    "At 50k the trainer runs and stops where 300 files have no more merges (the whole stdlib stops near 41k: see benchmarks/tokenizer_stdlib.py)."
    tok, _ = train_on_corpus(vocab_size=50_000, heldout=0, max_files=300, seed=0)
    assert 12_000 < tok.vocab_size <= 50_000
    assert [tok.hf.token_to_id(t) for t in SPECIAL_TOKENS] == list(range(6))


def test_vocab_size_respected():
    texts = list(corpus_texts(default_corpus() / "json"))
    tok = CodeTokenizer.train(texts, vocab_size=400)
    assert tok.vocab_size == 400
    with pytest.raises(ValueError, match="vocab_size"): CodeTokenizer.train(texts, vocab_size=200)


def _train_hash(seed):
    tok, held = train_on_corpus(vocab_size=3000, heldout=5, max_files=60, seed=seed)
    return hashlib.sha256((tok.hf.to_str() + "\0".join(held)).encode()).hexdigest()


def test_determinism_same_seed_same_result():
    h = _train_hash(3)
    assert _train_hash(3) == h
    code = "from tests.test_tokenizer import _train_hash; print(_train_hash(3))"   # a fresh process: new hash seeds
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parents[1], timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == h
    assert _train_hash(4) != h


def test_split_files_seeded_by_file():
    files = [f"f{i}.py" for i in range(100)]
    tr, he = split_files(files, 0.05, seed=0)
    assert len(he) == 5 and len(tr) == 95 and not set(tr) & set(he) and set(tr) | set(he) == set(files)
    assert split_files(files, 0.05, seed=0) == (tr, he) and split_files(files, 0.05, seed=1) != (tr, he)
    assert [len(x) for x in split_files(files, 7, seed=0, max_files=30)] == [23, 7]


def test_corpus_skips_caches_site_packages_and_undecodable(tmp_path):
    src = tmp_path / "src"
    for rel, data in {"a.py": b"x = 1\n", "pkg/b.py": "y = 'é'\n".encode(), "latin.py": "z = 'é'\n".encode("latin-1"),
                      "bin.py": b"\x00\x01", "__pycache__/c.py": b"c = 1\n", "site-packages/d.py": b"d = 1\n",
                      "notes.txt": b"text\n"}.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True); (src / rel).write_bytes(data)
    files = corpus_files(src)
    assert [f.relative_to(src).as_posix() for f in files] == ["a.py", "bin.py", "latin.py", "pkg/b.py"]
    assert list(corpus_texts(src)) == ["x = 1\n", "y = 'é'\n"]
    build_kg(sources=[src], out_dir=tmp_path / "kg", workers=1, progress=False)
    kg_files = corpus_files(tmp_path / "kg")
    assert set(kg_files) <= set(files) and src / "a.py" in kg_files
    assert corpus_files(load_kg(tmp_path / "kg")) == kg_files
    assert list(corpus_texts([src / "a.py", src / "latin.py"])) == ["x = 1\n"]
