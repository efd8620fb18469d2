#!/bin/bash
# issue 14, tuning on the GPU: `graphmer sweep` over the learning rate of the README's GPU recipe (half_bias, batch 64,
# compiled), 4,000 steps per run (a shorter budget than the reference's 15,000), ranked on validation whole-tail accuracy only.
# On the GPU machine (the `device` tool), with the wheels and the KG that benchmarks/gpu_env.sh names:
#   BUDGET=540 bash benchmarks/gpu_sweep.sh       # a stopped sweep resumes: the same command again reads back finished runs
# The sweep's small files (sweep.json, each run's config, metrics and summary; no weights) come back in $OUT/sweep.tgz.
. benchmarks/gpu_env.sh
S=runs/sweeps/gpu-lr; t0=$(date +%s)
timeout -s TERM ${BUDGET:-540} python3 -m graphmer.cli sweep --grid '{"lr": [0.00025, 0.0005, 0.001]}' --base '{"steps": 4000, "batch_size": 64, "compile": true, "workers": 4, "warmup": 200, "eval_every": 2000, "save_every": 2000, "device": "cuda", "data_seed": 0, "seed": 0, "variant": "half_bias", "kg_dir": "'"$GPU_KG"'", "data_workers": 16}' --metric val_mnm_tail_acc --sweep-dir $S --progress False 2>&1 | grep -v -i -e warn -e "online softmax" -e "split the reduction" -e "important use case" | tail -30
echo "sweep exit status ${PIPESTATUS[0]} after $(( $(date +%s) - t0 )) s (124: stopped at BUDGET; run the same command again to go on)"
tar czf $OUT/sweep.tgz --exclude=checkpoints --exclude='*.safetensors' --exclude='*.parquet' $S; ls -la $OUT
