# tools/lib/hugepages.sh - memory for a DPDK process of a benchmark or the
# demo: 1 GB hugepages when the machine can reserve enough of them, else
# 2 MB hugepages, else ordinary pages (--no-huge). Source it.
#
#   sp_hugepages MB [--no-huge]
#
# sets SP_MEM, the EAL options (--huge-dir D --huge-unlink -m MB: the page
# files are unlinked as soon as they are mapped, so nothing is left behind
# however the process ends), and SP_PAGES, what it chose, to be printed
# beside the figures. Reserving and mounting need root; without them (or
# with --no-huge) it falls back. Pages this shell reserved are given back
# by sp_hugepages_release (call it from the EXIT trap).

SP_HP_RAISED=()

# sp_hp_try KB PAGES MOUNT: that many free pages of KB kB, mounted at MOUNT
sp_hp_try() {
    local kb=$1 need=$2 mnt=$3 d=/sys/kernel/mm/hugepages/hugepages-${1}kB
    local free total
    [ -d "$d" ] && [ "$(id -u)" = 0 ] || return 1
    free=$(cat "$d/free_hugepages")
    if [ "$free" -lt "$need" ]; then
        total=$(cat "$d/nr_hugepages")
        echo $((total + need - free)) > "$d/nr_hugepages" 2>/dev/null || true
        free=$(cat "$d/free_hugepages")
        if [ "$free" -lt "$need" ]; then   # not enough: give them back now
            echo "$total" > "$d/nr_hugepages" 2>/dev/null || true
            return 1
        fi
        SP_HP_RAISED+=("$d:$total")
    fi
    mkdir -p "$mnt" 2>/dev/null || return 1
    mountpoint -q "$mnt" ||
        mount -t hugetlbfs -o "pagesize=${kb}K" nodev "$mnt" 2>/dev/null || return 1
}

sp_hugepages() {
    local mb=$1 pages
    SP_MEM="--no-huge -m $mb"; SP_PAGES="4 KB pages (--no-huge)"
    [ "${2:-}" = --no-huge ] && return 0
    pages=$(( (mb + 1023) / 1024 ))
    if sp_hp_try 1048576 "$pages" /dev/hugepages-1G; then
        SP_MEM="--huge-dir /dev/hugepages-1G --huge-unlink -m $((pages * 1024))"
        SP_PAGES="1 GB hugepages"
        return 0
    fi
    pages=$(( (mb + 1) / 2 ))
    if sp_hp_try 2048 "$pages" /dev/hugepages-2M; then
        SP_MEM="--huge-dir /dev/hugepages-2M --huge-unlink -m $((pages * 2))"
        SP_PAGES="2 MB hugepages"
        return 0
    fi
    echo "hugepages: cannot reserve $mb MB of 1 GB or 2 MB pages here: --no-huge" >&2
}

# Give back what sp_hugepages reserved: each pool to its first count (the
# kernel frees only pages nobody holds).
sp_hugepages_release() {
    local e seen=""
    for e in "${SP_HP_RAISED[@]}"; do
        case " $seen " in *" ${e%%:*} "*) continue ;; esac
        seen="$seen ${e%%:*}"
        echo "${e##*:}" > "${e%%:*}/nr_hugepages" 2>/dev/null || true
    done
    SP_HP_RAISED=()
}
