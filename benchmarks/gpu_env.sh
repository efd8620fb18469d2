# Sourced by the GPU scripts (benchmarks/gpu_*.sh) on the device machine, from the repository root: installs the wheels
# that machine lacks (tree-sitter and its grammars, fastcore, plotly, nbformat and its needs, carried in .whl/), puts
# this checkout on the path, and names the KG the GPU runs train on (this VM's standard library with its prepared
# samples, carried as data/gpu/kg).
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1
GPU_KG=data/gpu/kg/python-stdlib-a87328b6
