# Shared by the SMPI scaling scripts (run_scaling.sh, run_scaling_clv.sh, run_scaling_kmeans.sh,
# run_scaling_rules.sh):
# source it after setting DRIVER (rfm_scaling, clv_scaling, ...) and the knobs below, then call
# smpi_setup once and run_smpi / run_real per run. Each run appends its driver's RESULT line plus
# engine= and wall= (seconds the run took on this machine) to $results.
#
# Expects: HERE (bench/smpi), DRIVER, RANKS, REAL_RANKS, COLL, BUILD, OUT, SMPI_FLAGS.

smpi_setup() {
  command -v smpirun >/dev/null || { echo "smpirun not found: apt-get install --no-install-recommends libsimgrid-dev" >&2; exit 1; }
  mkdir -p "$OUT"
  local targets="$BUILD/smpi/$DRIVER"
  [ -n "$REAL_RANKS" ] && targets="$targets $BUILD/mpi/$DRIVER"
  make -s -C "$HERE" -j2 BUILD="$BUILD" $targets >&2
  local max_np=2 np i
  for np in $RANKS; do (( np > max_np )) && max_np=$np; done
  hosts="$OUT/hosts"
  : >"$hosts"
  for ((i = 0; i < max_np; i++)); do echo "node-$i.crmpi" >>"$hosts"; done
  results="$OUT/results.txt"
  : >"$results"
}

run_smpi() {  # mode customers np [driver flags...]
  local mode=$1 customers=$2 np=$3 log="$OUT/smpi-$1-$2-$3.log" t0 t1 one=""
  shift 3
  # SimGrid 3.32's ompi allgatherv at one rank (gather + bcast) aborts ("Actor pid=-1 is gone"):
  # at one rank no message moves, so the default algorithm is used there instead.
  [ "$np" = 1 ] && one="--cfg=smpi/allgatherv:default"
  # Open MPI's decision (and SMPI's ompi selector) takes the linear alltoallv at 128-255 ranks and
  # from 1,024: every rank posts P receives and P sends at once, which SimGrid 3.32 simulates in
  # O(P^3) real time (one 64-byte alltoallv: > 200 s at 512 ranks against 2.5 s pairwise, > 150 s
  # at 1,024 against 19 s; docs/smpi.md, "Simulation cost past 512 ranks"). From 64 ranks the
  # alltoallv is therefore always simulated pairwise, as Open MPI does at 64-127 and 256-1,023
  # ranks; SMPI's pairwise needs a power of two (it aborts otherwise), so other counts get the
  # ring (the same P - 1 steps). At 64 and 512 ranks this is the selector's own choice.
  if (( np >= 64 )) && [ "$COLL" = ompi ]; then
    if (( (np & (np - 1)) == 0 )); then one="$one --cfg=smpi/alltoallv:pair"; else one="$one --cfg=smpi/alltoallv:ring"; fi
  fi
  t0=$(date +%s%N)
  # privatization:no: dlopen or mmap privatization (a copy of the program's data per rank) made the
  # simulation 2x slower. The crmpi code the drivers link has no mutable globals but the
  # Comm::traffic() counters, which the simulated ranks then share (driver_common.hpp: TrafficWindow).
  smpirun -np "$np" -platform "$HERE/cluster.xml" -hostfile "$hosts" \
    --cfg=smpi/host-speed:1Gf --cfg=smpi/privatization:no --cfg=smpi/coll-selector:"$COLL" $one \
    --log=xbt_cfg.thres:warning --log=smpi_coll.thres:warning $SMPI_FLAGS \
    "$BUILD/smpi/$DRIVER" --mode "$mode" --customers "$customers" "$@" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
  t1=$(date +%s%N)
  echo "$(grep '^RESULT' "$log") engine=smpi wall=$(( (t1 - t0) / 1000000 ))e-3" | tee -a "$results" >&2
}

run_real() {  # mode customers np [driver flags...]
  local mode=$1 customers=$2 np=$3 log="$OUT/mpi-$1-$2-$3.log" t0 t1
  shift 3
  t0=$(date +%s%N)
  OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
    mpirun --oversubscribe -np "$np" "$BUILD/mpi/$DRIVER" --mode "$mode" --customers "$customers" "$@" \
    >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
  t1=$(date +%s%N)
  echo "$(grep '^RESULT' "$log") engine=openmpi wall=$(( (t1 - t0) / 1000000 ))e-3" | tee -a "$results" >&2
}

# The largest of REAL_RANKS (weak runs at P ranks are checked as a strong run of P x per-rank there).
largest_real() { echo $REAL_RANKS | tr ' ' '\n' | sort -n | tail -1; }

# The study every run script makes (clv, kmeans, rules), driver flags as arguments: weak and strong
# scaling over $RANKS; the $CHECK_RANKS counts simulated on $STRONG_TOTAL where $RANKS lacks them;
# Open MPI at $REAL_RANKS on $STRONG_TOTAL; and each weak size (P * $WEAK_PER_RANK customers, the
# same global input as a strong run of that size) under Open MPI at the largest $REAL_RANKS count,
# so its hash is checked against a real run.
run_study() {  # [driver flags...]
  local np real_np
  for np in $RANKS; do run_smpi weak "$WEAK_PER_RANK" "$np" "$@"; done
  for np in $RANKS; do run_smpi strong "$STRONG_TOTAL" "$np" "$@"; done
  for np in $CHECK_RANKS; do
    case " $RANKS " in *" $np "*) ;; *) run_smpi strong "$STRONG_TOTAL" "$np" "$@" ;; esac
  done
  for np in $REAL_RANKS; do run_real strong "$STRONG_TOTAL" "$np" "$@"; done
  if [ -n "$REAL_RANKS" ]; then
    real_np=$(largest_real)
    for np in $RANKS; do run_real strong $((np * WEAK_PER_RANK)) "$real_np" "$@"; done
  fi
}
