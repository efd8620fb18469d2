#!/bin/bash
# issue 14, a longer schedule: runs of the README GPU recipe at STEPS steps side by side, every checkpoint kept; resumable.
# On the GPU machine (the `device` tool), with the wheels and the KG that benchmarks/gpu_env.sh names:
#   bash benchmarks/gpu_long_schedule.sh 540            # job 1: prepare the data, train until SIGTERM at 540 s
#   bash benchmarks/gpu_long_schedule.sh 480 resume     # job 2: resume the runs to their last step
#   bash benchmarks/gpu_long_schedule.sh eval           # score the runs and every checkpoint (benchmarks/mrr_curve.py)
# RUNS names the runs as name:variant:seed (default: seed 0 of half_decay, no_decay, half_bias, as in docs/results.md);
# the second round ran RUNS="hb-s1:half_bias:1 hb-s2:half_bias:2 nd-s1:no_decay:1 nd-s2:no_decay:2 to-s0:text_only:0" WORKERS=3 CQ=0
# with PAIRS naming the pairs to compare (a:b,...); CQ=0 scores only the finished runs.
. benchmarks/gpu_env.sh
K=$GPU_KG; R=$PWD/runs/long; STEPS=${STEPS:-15000}; mkdir -p $R
RUNS=${RUNS:-"hd-s0:half_decay:0 nd-s0:no_decay:0 hb-s0:half_bias:0"}; WORKERS=${WORKERS:-4}
PAIRS=${PAIRS:-hd-s0:nd-s0,hb-s0:nd-s0,hb-s0:hd-s0}; DIRS=$(for spec in $RUNS; do echo -n "$R/${spec%%:*} "; done)
# the small files come back in small.tgz; WEIGHTS=1 also sends finished runs' model.safetensors in 15 MB parts: put them back
# together with `cat NAME.safetensors.part-* > runs/.../NAME/model.safetensors`. The device tool returns at most 8 files of
# 16 MiB, 64 MiB in all, so a call sends the weights of the first runs that fit (two `tiny` runs) and names the others;
# `bash benchmarks/gpu_long_schedule.sh weights NAME...` (the machine still warm) sends those.
pack() { (cd $R && tar czf $OUT/small.tgz --exclude=checkpoints --exclude=at --exclude='*.safetensors' --exclude='*.parquet' */ *.log 2>/dev/null)
  [ "${WEIGHTS:-0}" = 1 ] && send_weights $DIRS; ls -la $OUT; }
send_weights() { local used=$(du -b $OUT/small.tgz 2>/dev/null | cut -f1) files=$(ls $OUT | wc -l) left=""
  for d in "$@"; do f=$d/model.safetensors; [ -f $f ] || continue; size=$(stat -c %s $f); parts=$(( (size + 15728639) / 15728640 ))
    if [ $(( used + size )) -le $(( 64 * 1048576 - 65536 )) ] && [ $(( files + parts )) -le 8 ]; then
      split -b 15M -d $f $OUT/$(basename $d).safetensors.part-; used=$(( used + size )); files=$(( files + parts ))
    else left="$left $(basename $d)"; fi; done
  [ -n "$left" ] && echo "weights not sent (over the 64 MiB / 8 files a call returns): send them with: bash benchmarks/gpu_long_schedule.sh weights$left"; true; }
if [ "$1" = weights ]; then shift; send_weights $(for n in "$@"; do echo $R/$n; done); ls -la $OUT; exit 0; fi
if [ "$1" = eval ]; then
  python3 benchmarks/mrr_curve.py $DIRS --max-queries ${Q:-2000} --curve-queries ${CQ:-1000} --device cuda \
     --pairs $PAIRS --out $OUT/mrr_curve.json \
     --note "issue 14 longer schedule: $STEPS steps x 64, data seed 0, one H200, runs side by side: $RUNS" 2>&1 | grep -v -i warn | tail -40
  pack; exit 0
fi
nvidia-smi --query-gpu=name --format=csv,noheader; t0=$(date +%s)
if [ "$2" != resume ]; then
  python3 -m graphmer.cli train --kg-dir $K --steps 1 --batch-size 8 --device cuda --data-seed 0 --data-workers 16 --run-dir /tmp/warm --progress False > $R/prep.log 2>&1 || { tail -20 $R/prep.log; exit 1; }
  echo "data ready in $(( $(date +%s) - t0 )) s"; RES=""
else RES="--resume True"; fi
for spec in $RUNS; do IFS=: read name variant seed <<< "$spec"
  timeout --foreground -s TERM $(( $1 - ($(date +%s) - t0) )) python3 -m graphmer.cli train --kg-dir $K --steps $STEPS --batch-size 64 --compile True --workers $WORKERS \
     --save-every 2500 --eval-every 2500 --keep-checkpoints 0 --warmup 200 --device cuda --data-seed 0 --seed $seed --variant $variant \
     --run-dir $R/$name --progress False $RES >> $R/$name.log 2>&1 &
  PIDS="$PIDS $!"
done
nvidia-smi --query-gpu=utilization.gpu --format=csv,noheader,nounits -l 5 > $R/util.txt & SMI=$!
wait $PIDS; kill $SMI
echo "done in $(( $(date +%s) - t0 )) s; GPU util median: $(sort -n $R/util.txt | awk '{a[NR]=$1} END{print a[int(NR/2)+1]}')"
for spec in $RUNS; do name=${spec%%:*}; echo "== $name"; grep -v -i warn $R/$name.log | tail -3; ls $R/$name/checkpoints 2>/dev/null | tr '\n' ' '; echo; done
pack
