#!/bin/bash
# issue 13: `compile='reduce-overhead'` (CUDA graphs) through whole training jobs of `graphmer train`: evaluations and
# checkpoints between graph-replayed steps, an interruption (SIGTERM) and a resume, beside the same job with
# `compile=True` (no CUDA graphs). On the GPU machine (the `device` tool), with the wheels and the KG that
# benchmarks/gpu_env.sh names; each part fits one call:
#   bash benchmarks/gpu_cudagraph_job.sh full         # the two uninterrupted jobs: ro (reduce-overhead), default (True)
#   bash benchmarks/gpu_cudagraph_job.sh interrupted  # ro stopped by SIGTERM after INTERRUPT s, then resumed; then ro again (RERUN=0: not)
# then, with the runs' metrics back on this machine: python benchmarks/cudagraph_compare.py DIR
# Carry .whl, $GPU_KG/prep-v12000-s0-f0.02-t0.05file-x0.01 and $GPU_KG/manifest.json (with the prepared samples,
# `graphmer train` reads nothing else of the KG; the whole KG directory does not fit the 64 MiB a call carries).
# DEVICE=cpu COMPILE_RO=False STEPS=20 checks the commands on a CPU.
[ -n "$GPU_KG" ] || . benchmarks/gpu_env.sh
K=${K:-$GPU_KG}; R=${R:-$OUT/cg}; STEPS=${STEPS:-1500}; EVERY=${EVERY:-500}; RO=${COMPILE_RO:-reduce-overhead}; mkdir -p $R
common="--kg-dir $K --steps $STEPS --batch-size 64 --device ${DEVICE:-cuda} --data-seed 0 --seed 0 --eval-every $EVERY --save-every $EVERY --warmup 100 --progress False"
run() { local name=$1; shift; local t=$(date +%s)   # STOP=S: stopped by SIGTERM after S seconds
  ${STOP:+timeout -s TERM $STOP} python3 -m graphmer.cli train $common --run-dir $R/$name "$@" >> $R/$name.log 2>&1; local rc=$?
  echo "$name rc=$rc $(( $(date +%s) - t )) s"; [ $rc = 0 ] || tail -5 $R/$name.log; }
[ "$DEVICE" = cpu ] || nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
python3 -c "import torch; print('torch', torch.__version__)"
case "$1" in
  full) run ro --compile $RO; run default --compile True ;;
  interrupted)
    STOP=${INTERRUPT:-75} run ro_int --compile $RO
    echo "ro_int stopped at logged step $(python3 -c "import json; print(json.loads(open('$R/ro_int/metrics.jsonl').read().splitlines()[-1])['step'])" 2>/dev/null || echo none)"
    ls $R/ro_int/checkpoints 2>/dev/null
    run ro_int --compile $RO --resume True
    [ "${RERUN:-1}" = 1 ] && run ro2 --compile $RO; true ;;
  *) echo "usage: $0 full|interrupted"; exit 2 ;;
esac
for d in $R/*/; do [ -f $d/metrics.jsonl ] && cp $d/metrics.jsonl $OUT/$(basename $d).metrics.jsonl; [ -f $d/summary.json ] && cp $d/summary.json $OUT/$(basename $d).summary.json; done
cp $R/*.log $OUT/ 2>/dev/null; true
