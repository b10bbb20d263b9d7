#!/bin/sh
# Runs node with these arguments on jemalloc where the machine has it (Debian's libjemalloc2, which Redis
# also uses), else on the C library's malloc; RIPEN_ALLOCATOR=system keeps the C library's. `exec`: the
# process is node itself (signals, exit code and pid are its own). Why: a long-running worker on glibc's
# malloc kept growing with the leads it had seen, on jemalloc it levels off (docs/benchmarks.md, scale).
if [ "${RIPEN_ALLOCATOR:-jemalloc}" = jemalloc ]; then
  for lib in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib/aarch64-linux-gnu/libjemalloc.so.2 \
    /usr/lib64/libjemalloc.so.2 /usr/lib/libjemalloc.so.2 /usr/local/lib/libjemalloc.so.2; do
    if [ -e "$lib" ]; then
      case " ${LD_PRELOAD:-} " in
        *" $lib "*) ;;
        *) LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD }$lib" && export LD_PRELOAD ;;
      esac
      break
    fi
  done
fi
exec "${NODE:-node}" "$@"
