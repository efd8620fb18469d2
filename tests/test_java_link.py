"Linking Java across files: inherited member types resolve to the class, never to an inherited constructor."
import pandas as pd
from graphmer.extract import build_kg, load_kg

FILES = {
    "p/Base.java": "package p;\npublic class Base {\n  public Base(int x) {}\n  public static class Inner {}\n}\n",
    "p/Mid.java": "package p;\npublic class Mid extends Base {\n  public Mid() { super(1); }\n}\n",
    "p/Leaf.java": "package p;\npublic class Leaf extends Mid {\n  Base make(Base b) { return b; }\n  static class A extends Inner {}\n}\n",
}

def test_member_types_and_constructors(tmp_path):
    for rel, src in FILES.items():
        (tmp_path / "src" / rel).parent.mkdir(parents=True, exist_ok=True); (tmp_path / "src" / rel).write_text(src)
    build_kg([tmp_path / "src"], tmp_path / "kg", workers=1, progress=False, cache_dir=False)
    kg = load_kg(tmp_path / "kg")
    t = set(zip(kg.triples["head"], kg.triples["relation"], kg.triples["tail"]))
    assert ("p.Leaf.A", "inherits_from", "p.Base.Inner") in t          # member type inherited through Mid
    assert ("p.Leaf.make", "returns_type", "p.Base") in t               # the class, not Base's constructor p.Base.Base
    assert ("p.Leaf.make", "param_type", "p.Base") in t
    assert kg.manifest["validation"]["violations"] == 0
