/* One MPI collective, timed alone under SMPI: what simulating it costs (real seconds, from the
 * shell) and its simulated time per call. docs/smpi.md, "Simulation cost past 512 ranks", measured
 * with it which collectives SimGrid 3.32 simulates in more than O(P^2) real time. Not part of the
 * drivers or the scripts; plain C, MPI only.
 *
 *   smpicc -O2 bench/smpi/coll_probe.c -o /tmp/coll_probe
 *   time smpirun -np 1024 -platform bench/smpi/cluster.xml -hostfile HOSTS \
 *     --cfg=smpi/host-speed:1Gf --cfg=smpi/privatization:no --cfg=smpi/coll-selector:ompi \
 *     [--cfg=smpi/alltoallv:pair] /tmp/coll_probe alltoallv 1 64
 *
 * Arguments: collective (alltoall alltoallv allgather allgatherv allreduce bcast barrier gatherv),
 * calls, bytes per rank (allreduce: bytes / 8 int64 sums). Prints one PROBE line on rank 0. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int P, r;
  MPI_Comm_size(MPI_COMM_WORLD, &P);
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  if (argc < 3) {
    if (r == 0) fprintf(stderr, "usage: coll_probe COLLECTIVE CALLS [BYTES]\n");
    MPI_Finalize();
    return 64;
  }
  const char* what = argv[1];
  const int reps = atoi(argv[2]);
  const int bytes = argc > 3 ? atoi(argv[3]) : 8;
  char* s = calloc((size_t)P * bytes + 64, 1);
  char* d = calloc((size_t)P * bytes + 64, 1);
  int* cnt = malloc(P * sizeof(int));
  int* dsp = malloc(P * sizeof(int));
  for (int i = 0; i < P; i++) {
    cnt[i] = bytes;
    dsp[i] = i * bytes;
  }
  const double t0 = MPI_Wtime();
  for (int k = 0; k < reps; k++) {
    if (!strcmp(what, "alltoall")) MPI_Alltoall(s, bytes, MPI_BYTE, d, bytes, MPI_BYTE, MPI_COMM_WORLD);
    else if (!strcmp(what, "alltoallv")) MPI_Alltoallv(s, cnt, dsp, MPI_BYTE, d, cnt, dsp, MPI_BYTE, MPI_COMM_WORLD);
    else if (!strcmp(what, "allgather")) MPI_Allgather(s, bytes, MPI_BYTE, d, bytes, MPI_BYTE, MPI_COMM_WORLD);
    else if (!strcmp(what, "allgatherv")) MPI_Allgatherv(s, bytes, MPI_BYTE, d, cnt, dsp, MPI_BYTE, MPI_COMM_WORLD);
    else if (!strcmp(what, "allreduce")) MPI_Allreduce(s, d, bytes / 8, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    else if (!strcmp(what, "bcast")) MPI_Bcast(s, bytes, MPI_BYTE, 0, MPI_COMM_WORLD);
    else if (!strcmp(what, "barrier")) MPI_Barrier(MPI_COMM_WORLD);
    else if (!strcmp(what, "gatherv")) MPI_Gatherv(s, bytes, MPI_BYTE, d, cnt, dsp, MPI_BYTE, 0, MPI_COMM_WORLD);
    else {
      if (r == 0) fprintf(stderr, "coll_probe: unknown collective %s\n", what);
      MPI_Abort(MPI_COMM_WORLD, 64);
    }
  }
  const double t = MPI_Wtime() - t0;
  if (r == 0) printf("PROBE %s P=%d calls=%d bytes=%d sim_us_per_call=%.1f\n", what, P, reps, bytes, t / reps * 1e6);
  free(s);
  free(d);
  free(cnt);
  free(dsp);
  MPI_Finalize();
  return 0;
}
