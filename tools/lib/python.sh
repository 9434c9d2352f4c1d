# tools/lib/python.sh - the scripts' python3 is Debian's /usr/bin/python3
# (the package setup.sh installs), put first on PATH through a symlink in
# build/bin. Source it; it defines sp_python_path.
#
# Why: on the machines this runs on `python3` on PATH can be a version
# manager's shim (pyenv's is a shell script that forks `pyenv exec`), which
# took 0.3-2 s a call here where the interpreter itself starts in 20 ms.
# The tests call python3 hundreds of times, some between setting a state
# with a TTL and reading it back; a start-up that long made them race.
sp_python_path() {   # sp_python_path BUILD_DIR
    local bin=$1/bin
    [ -x /usr/bin/python3 ] || return 0
    case ":$PATH:" in *":$bin:"*) return 0 ;; esac
    mkdir -p "$bin" && ln -sfn /usr/bin/python3 "$bin/python3" || return 0
    PATH=$bin:$PATH
    export PATH
}
