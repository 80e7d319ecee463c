#!/usr/bin/env bash
# make install puts the commands, their man pages and bash completion under
# DESTDIR/PREFIX; the completion offers every option each command's --help
# names, and the fixed values of pb-import's and pb-report's word options.
set -u
. "$(dirname "$0")/lib.sh"
check() { if [ "$2" = "$3" ]; then ok "$1"; else notok "$1: got [$2] want [$3]"; fi; }
top=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

make -s install DESTDIR="$tmp/stage" PREFIX=/opt/pb >"$tmp/log" 2>&1
check "make install DESTDIR=… PREFIX=/opt/pb succeeds" "$?" 0
root=$tmp/stage/opt/pb
missing=""
for c in pb-import pb-coverage pb-rank pb-report; do
	for f in bin/$c share/man/man1/$c.1 share/bash-completion/completions/$c; do
		[ -s "$root/$f" ] || missing="$missing $f"
	done
done
[ -s "$root/share/man/man7/pb.7" ] || missing="$missing share/man/man7/pb.7"
check "binaries, man pages and a completion per command installed" "${missing:-none}" none
check "the installed pb-import runs" "$("$root/bin/pb-import" --version)" "pb-import $("$top/bin/pb-import" --version | cut -d' ' -f2)"

# completion: what bash would offer after the words typed so far
complete_words() {
	PATH="$root/bin:$PATH" bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _pb
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$root/share/bash-completion/completions/pb-import" "$@"
}
for c in pb-import pb-coverage pb-rank pb-report; do
	want=$("$root/bin/$c" --help | grep -oE -- '^ +(-[A-Za-z], )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+' | sort -u)
	got=$(complete_words "$c" --)
	lost=""
	for o in $want; do case " $got " in *" $o "*) ;; *) lost="$lost $o" ;; esac; done
	check "$c: completion offers every option of its --help" "${lost:-none}" none
done
check "pb-import --sh<TAB>" "$(complete_words pb-import --sh)" "--sheet "
check "pb-import --kind <TAB>" "$(complete_words pb-import --kind '')" "links raw scores targets units "
check "pb-report --format x<TAB>" "$(complete_words pb-report --format x)" "xlsx "
