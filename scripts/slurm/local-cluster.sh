#!/usr/bin/env bash
# A real one-node Slurm cluster on localhost, for testing sbatch scripts (TEST ONLY:
# auth/none + cred/none means no authentication at all; never use this on a shared machine's
# real Slurm or expose the ports).
#
# Usage: scripts/slurm/local-cluster.sh start|stop|status|restart DIR
#
#   start   writes DIR/slurm.conf (free ports, this host's name, CPUs and memory), starts
#           slurmctld + slurmd with their state, spool, logs and pid files under DIR, waits until
#           `sinfo` shows the node idle, and prints (on stdout, alone) the line
#               export SLURM_CONF=DIR/slurm.conf
#           so that `eval "$(scripts/slurm/local-cluster.sh start DIR)"` sets it up.
#           If a healthy cluster from DIR is already running it is reused; leftovers of a
#           crashed run (stale pid files, dead or hung daemons, old state) are cleaned first.
#   stop    cancels the cluster's jobs, stops the daemons (by their pid files and by the
#           conf path on their command line, never by name alone), removes state and spool.
#           Logs and slurm.conf stay in DIR for inspection. Safe when nothing is running.
#   status  prints daemon pids and `sinfo`; exit 0 when the node answers, 1 otherwise.
#
# Env: CRMPI_SLURM_START_TIMEOUT  seconds to wait for the node to become idle (default 60)
#      CRMPI_SLURM_CPUS           CPUs the node declares (default: nproc). More than nproc
#                                 (via SlurmdParameters=config_overrides) lets a small machine
#                                 take e.g. --ntasks-per-node=4 without --overcommit.
#      CRMPI_SLURM_PORT_BASE      first port to try (default: random in 20000-29999)
# Needs slurm-wlm (slurmctld, slurmd, sinfo, ...) and root (slurmd runs jobs as their user).
set -euo pipefail

me="local-cluster"
log() { echo "$me: $*" >&2; }
die() { echo "$me: ERROR: $*" >&2; exit 1; }

usage() { sed -n '2,24p' "$0" >&2; exit 2; }
(($# == 2)) || usage
cmd="$1"
mkdir -p "$2"
DIR="$(cd "$2" && pwd -P)"
CONF="$DIR/slurm.conf"
CTLD_PID="$DIR/run/slurmctld.pid"
SLURMD_PID="$DIR/run/slurmd.pid"
timeout_s="${CRMPI_SLURM_START_TIMEOUT:-60}"

for tool in slurmctld slurmd sinfo scontrol squeue scancel; do
  command -v "$tool" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin"
done

# ---- helpers -------------------------------------------------------------------------------

# The /proc scans below read with bash builtins (mapfile, read), not `cat`/`tr`: they look at
# every process on the machine, and a fork per process made start and stop take seconds each.

# True if pid $1 is alive and its command line is a Slurm daemon reading $CONF.
is_our_daemon() {
  local pid="$1" cmdline argv0 argv=()
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  { mapfile -d '' -t argv <"/proc/$pid/cmdline"; } 2>/dev/null || return 1
  printf -v cmdline '%s ' "${argv[@]}"  # the NUL-separated arguments, each followed by a space
  argv0="${cmdline%% *}"; argv0="${argv0##*/}"
  [[ "$argv0" == slurmctld || "$argv0" == slurmd ]] && [[ "$cmdline" == *" -f $CONF "* ]]
}

# Pids of daemons of this cluster: from the pid files, plus any process whose command line
# names this DIR's slurm.conf (covers a crashed run whose pid files are gone or stale).
our_pids() {
  local f pid
  {
    for f in "$CTLD_PID" "$SLURMD_PID"; do
      [[ -f "$f" ]] && pid="$(tr -dc '0-9' <"$f")" && [[ -n "$pid" ]] && echo "$pid"
    done
    for f in /proc/[0-9]*/cmdline; do
      pid="${f#/proc/}"; pid="${pid%/cmdline}"
      echo "$pid"
    done
  } | sort -un | while read -r pid; do
    is_our_daemon "$pid" && echo "$pid"
  done
  return 0
}

# Processes of jobs of this cluster left behind by a crashed slurmd: its slurmstepd processes
# (their environment or open files point into DIR), everything below them, and orphaned job
# processes (environment has SLURM_CONF=$CONF and SLURM_JOB_ID, parent gone). Never this
# script or its ancestors (a caller may itself have SLURM_CONF=$CONF exported).
env_of() { { tr '\0' '\n' <"$1/environ"; } 2>/dev/null || true; }

our_job_procs() {
  local d pid ppid rest comm
  declare -A parent=() keep=() seen=()
  pid=$$
  while [[ -n "$pid" && "$pid" != 0 && -z "${keep[$pid]:-}" ]]; do
    keep[$pid]=1
    { read -r rest <"/proc/$pid/stat"; } 2>/dev/null || break
    rest="${rest##*) }"; read -r _ pid _ <<<"$rest"
  done
  local roots=()
  for d in /proc/[0-9]*; do
    pid="${d#/proc/}"
    { read -r rest <"$d/stat"; } 2>/dev/null || continue
    rest="${rest##*) }"; read -r _ ppid _ <<<"$rest"
    parent[$pid]="$ppid"
    [[ -n "${keep[$pid]:-}" ]] && continue
    { read -r comm <"$d/comm"; } 2>/dev/null || continue
    if [[ "$comm" == slurmstepd ]]; then
      if { ls -l "$d/fd" || true; } 2>/dev/null | grep -q -- "$DIR/" \
         || env_of "$d" | grep -qx "SLURM_CONF=$CONF"; then
        roots+=("$pid")
      fi
    elif [[ "$ppid" == 1 ]] && env_of "$d" | grep -qx "SLURM_CONF=$CONF" \
         && env_of "$d" | grep -q '^SLURM_JOB_ID='; then
      roots+=("$pid")
    fi
  done
  # roots plus all their descendants
  local changed=1
  for pid in "${roots[@]}"; do seen[$pid]=1; done
  while ((changed)); do
    changed=0
    for pid in "${!parent[@]}"; do
      if [[ -z "${seen[$pid]:-}" && -z "${keep[$pid]:-}" && -n "${seen[${parent[$pid]}]:-}" ]]; then
        seen[$pid]=1; changed=1
      fi
    done
  done
  for pid in "${!seen[@]}"; do echo "$pid"; done
  return 0
}

pid_from() { [[ -f "$1" ]] && tr -dc '0-9' <"$1" || true; }

node_state() {  # prints the node's state as sinfo sees it ("" when slurmctld doesn't answer)
  SLURM_CONF="$CONF" timeout 10 sinfo -h -N -o '%t' 2>/dev/null | head -n1 | tr -d ' *' || true
}

healthy() {
  [[ -f "$CONF" ]] || return 1
  local c d
  c="$(pid_from "$CTLD_PID")"; d="$(pid_from "$SLURMD_PID")"
  is_our_daemon "$c" && is_our_daemon "$d" || return 1
  case "$(node_state)" in idle|mix|mixed|alloc|allocated|comp|completing) return 0 ;; esac
  return 1
}

port_free() {
  local p="$1"
  if command -v ss >/dev/null 2>&1; then
    [[ -z "$(ss -Htan "( sport = :$p )" 2>/dev/null)" ]]
  else
    ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null
  fi
}

pick_ports() {  # prints two free consecutive ports
  local base="${CRMPI_SLURM_PORT_BASE:-$((20000 + (RANDOM % 5000) * 2))}" p tries=0
  p="$base"
  while ((tries < 200)); do
    if port_free "$p" && port_free "$((p + 1))"; then
      echo "$p $((p + 1))"; return 0
    fi
    p=$((p + 2)); tries=$((tries + 1))
    ((p < 65000)) || p=20000
  done
  die "no two free consecutive TCP ports found from $base"
}

kill_pids() {  # TERM, wait up to 10 s, then KILL
  local pids=("$@") i alive
  ((${#pids[@]})) || return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    alive=()
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive+=("$p"); done
    ((${#alive[@]})) || return 0
    sleep 0.1
  done
  log "killing (KILL) ${alive[*]}"
  kill -KILL "${alive[@]}" 2>/dev/null || true
  sleep 0.2
}

do_stop() {
  local pids stepds
  if [[ -f "$CONF" ]] && is_our_daemon "$(pid_from "$CTLD_PID")"; then
    # Cancel whatever still runs so slurmd can tear its steps down cleanly.
    if [[ -n "$(SLURM_CONF="$CONF" timeout 10 squeue -h -o %i 2>/dev/null || true)" ]]; then
      SLURM_CONF="$CONF" timeout 10 scancel --full --quiet --user="$(id -un)" 2>/dev/null || true
      SLURM_CONF="$CONF" timeout 10 scancel --quiet --state=PENDING --user="$(id -un)" 2>/dev/null || true
      for _ in $(seq 50); do
        [[ -z "$(SLURM_CONF="$CONF" timeout 10 squeue -h -o %i 2>/dev/null || true)" ]] && break
        sleep 0.2
      done
    fi
  fi
  mapfile -t pids < <(our_pids)
  if ((${#pids[@]})); then
    log "stopping daemons ${pids[*]}"
    kill_pids "${pids[@]}"
  fi
  # slurmstepd ignores TERM once its slurmd is gone: KILL job leftovers (steps and tasks).
  mapfile -t stepds < <(our_job_procs)
  if ((${#stepds[@]})); then
    log "killing leftover job processes (slurmstepd and tasks) ${stepds[*]}"
    kill -KILL "${stepds[@]}" 2>/dev/null || true
    sleep 0.2
  fi
  rm -rf "$DIR/run" "$DIR/state" "$DIR/spool" "$DIR/tmp"
}

write_conf() {
  local host cpus mem_mb ports ctld_port slurmd_port user
  host="$(hostname -s 2>/dev/null || hostname)"
  cpus="${CRMPI_SLURM_CPUS:-$(nproc)}"
  mem_mb="$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 }' /proc/meminfo)"
  read -r ctld_port slurmd_port < <(pick_ports)
  user="$(id -un)"
  mkdir -p "$DIR/run" "$DIR/state" "$DIR/spool" "$DIR/log" "$DIR/tmp"
  chmod 1777 "$DIR/tmp"
  if ((${#DIR} > 70)); then
    log "warning: '$DIR' is long; Unix socket paths under it may exceed 107 bytes"
  fi
  cat >"$CONF.tmp" <<EOF
# Generated by scripts/slurm/local-cluster.sh for a one-node TEST cluster (no auth!).
ClusterName=crmpi-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=$user
SlurmdUser=root
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/none
CredType=cred/none
MpiDefault=pmix
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
# mpi/pmix puts each step's client dir (spmix_appdir_<uid>_<job>.<step>) under TmpFS. In /tmp,
# one left by a killed run makes a later step with the same job id fail to launch.
TmpFS=$DIR/tmp
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MailProg=/bin/true
# sbatch --wait sleeps 2 s, then 8, then 32 s between polls of the job while the sleep is under
# MinJobAge/2: with the default MinJobAge (300 s) a 12 s job makes it wait 42 s. At 5 it polls
# every 2 s, and a finished job's record stays (5 s or more) until the next poll has seen it.
MinJobAge=5
EOF
  if [[ "$cpus" != "$(nproc)" ]]; then
    # The node declares more (or fewer) CPUs than the machine has: slurmd must trust slurm.conf.
    echo "SlurmdParameters=config_overrides" >>"$CONF.tmp"
  fi
  cat >>"$CONF.tmp" <<EOF
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
  mv "$CONF.tmp" "$CONF"
  log "wrote $CONF (node $host, CPUs=$cpus, RealMemory=${mem_mb}MB, ports $ctld_port/$slurmd_port)"
}

show_logs() {
  local f
  for f in "$DIR/log/slurmctld.log" "$DIR/log/slurmd.log"; do
    [[ -f "$f" ]] && { echo "---- last lines of $f" >&2; tail -n 15 "$f" >&2; }
  done
}

do_start() {
  for tool in slurmctld slurmd sinfo scontrol; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (install slurm-wlm: scripts/setup-deps.sh)"
  done
  if healthy; then
    log "cluster in $DIR already running and idle; reusing it"
    echo "export SLURM_CONF=$CONF"
    return 0
  fi
  do_stop  # leftovers of an earlier (crashed) run
  rm -f "$DIR/log/slurmctld.log" "$DIR/log/slurmd.log"
  write_conf
  local host
  host="$(hostname -s 2>/dev/null || hostname)"
  # -c: start with clean state (no jobs from a previous run). -i: ignore stale state too.
  SLURM_CONF="$CONF" slurmctld -f "$CONF" -c -i \
    || { show_logs; do_stop; die "slurmctld failed to start (see $DIR/log/slurmctld.log)"; }
  SLURM_CONF="$CONF" slurmd -f "$CONF" -N "$host" \
    || { show_logs; do_stop; die "slurmd failed to start (see $DIR/log/slurmd.log)"; }

  local deadline=$((SECONDS + timeout_s)) st=""
  while ((SECONDS < deadline)); do
    st="$(node_state)"
    case "$st" in
      idle) break ;;
      drain*|drng|down*|fail*)
        # A node that registered with a mismatch: let it return to service once.
        SLURM_CONF="$CONF" scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 || true ;;
    esac
    for f in "$CTLD_PID" "$SLURMD_PID"; do
      if [[ -f "$f" ]] && ! is_our_daemon "$(pid_from "$f")"; then
        show_logs; do_stop; die "$(basename "$f" .pid) died during start-up (logs in $DIR/log)"
      fi
    done
    sleep 0.5
  done
  if [[ "$st" != idle ]]; then
    show_logs
    SLURM_CONF="$CONF" sinfo -N -l >&2 2>/dev/null || true
    do_stop
    die "node did not become idle within ${timeout_s}s (last state: '${st:-no answer}')"
  fi
  log "node $host idle after $((SECONDS - deadline + timeout_s))s; logs in $DIR/log"
  echo "export SLURM_CONF=$CONF"
}

do_status() {
  local c d rc=0
  c="$(pid_from "$CTLD_PID")"; d="$(pid_from "$SLURMD_PID")"
  if is_our_daemon "$c"; then echo "slurmctld: running (pid $c)"; else echo "slurmctld: not running"; rc=1; fi
  if is_our_daemon "$d"; then echo "slurmd:    running (pid $d)"; else echo "slurmd:    not running"; rc=1; fi
  if [[ -f "$CONF" ]] && ((rc == 0)); then
    echo "SLURM_CONF=$CONF"
    SLURM_CONF="$CONF" timeout 10 sinfo || rc=1
    SLURM_CONF="$CONF" timeout 10 squeue || true
  fi
  return "$rc"
}

case "$cmd" in
  start) do_start ;;
  stop) do_stop; log "stopped (logs kept in $DIR/log)" ;;
  restart) do_stop; do_start ;;
  status) do_status ;;
  *) usage ;;
esac
