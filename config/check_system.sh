#!/usr/bin/env bash
# Kiểm tra thư viện hệ thống mà cổng cần / Check the system libraries the portal needs.
#
#   bash config/check_system.sh [--test] [--python PATH]
#
# Always:  Pango (WeasyPrint renders the state documents with it) and a system Liberation Serif
#          (the Debian package fonts-liberation), at most a fallback font for Pango.
#          The documents do NOT use the system font: they embed Liberation Serif 2.1.5
#          (metric-compatible with Times New Roman, the font of state documents) shipped in
#          static/fonts/. Debian's fonts-liberation is version 1.07, which has no Vietnamese letters
#          (ơ, ư, ạ...); the Debian package of Liberation 2.x, with Vietnamese, is fonts-liberation2.
#          Also HarfBuzz's subsetter (libharfbuzz-subset0): without it WeasyPrint subsets the embedded
#          fonts with fontTools, in Python, and a stage dossier takes 2.5x longer (96 s instead of 39 s
#          of CPU for 223 pages, measured). Installed when missing; a warning if it cannot be.
# --test:  also poppler-utils (pdftoppm, pdftotext), which the tests use to read PDFs back, and
#          gettext (xgettext, msgmerge), for the English catalog test (tests/test_catalog_complete.py).
#          Best effort: a warning, not an error, when it cannot be installed.
# --bench: also wrk, the HTTP load generator of tests/benchmarks/test_list_throughput.py.
#          Best effort: a warning, not an error (that benchmark is then skipped).
# --python PATH: finally check that WeasyPrint imports with that interpreter.
#
# What is missing is installed with apt-get when we are root and apt-get exists; otherwise the
# script stops with a message naming the packages. It never prints a traceback.
set -u

REQUIRED_PKGS="libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation"
SPEED_PKGS="libharfbuzz-subset0"
TEST_PKGS="poppler-utils"
GETTEXT_PKGS="gettext"
BENCH_PKGS="wrk"

want_test=0
want_bench=0
python_bin=""
while [ $# -gt 0 ]; do
    case "$1" in
        --test) want_test=1 ;;
        --bench) want_bench=1 ;;
        --python) shift; python_bin="${1:-}" ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "check_system.sh: tham số không hợp lệ / unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done

say() { printf '[sysdeps] %s\n' "$*"; }

have_lib() {
    # $1: soname, e.g. libpango-1.0.so.0
    local ldconfig_bin
    for ldconfig_bin in ldconfig /sbin/ldconfig /usr/sbin/ldconfig; do
        if command -v "$ldconfig_bin" >/dev/null 2>&1; then
            "$ldconfig_bin" -p 2>/dev/null | grep -q "$1" && return 0
            break
        fi
    done
    # Fallback (no ldconfig, e.g. macOS/Homebrew): look in the usual directories.
    local dir
    for dir in /usr/lib /usr/lib64 /usr/local/lib /opt/homebrew/lib /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu; do
        ls "$dir"/"${1%%.so*}"* >/dev/null 2>&1 && return 0
    done
    return 1
}

have_pango() { have_lib 'libpango-1.0.so.0' && have_lib 'libpangoft2-1.0.so.0'; }

have_hb_subset() { have_lib 'libharfbuzz-subset.so.0'; }

have_liberation() {
    if command -v fc-list >/dev/null 2>&1; then
        fc-list 'Liberation Serif' 2>/dev/null | grep -q . && return 0
    fi
    local dir
    for dir in /usr/share/fonts /usr/local/share/fonts "${HOME:-/nonexistent}/.fonts" \
               "${HOME:-/nonexistent}/.local/share/fonts" /Library/Fonts "${HOME:-/nonexistent}/Library/Fonts"; do
        [ -d "$dir" ] || continue
        find "$dir" -name 'LiberationSerif-Regular.ttf' 2>/dev/null | grep -q . && return 0
    done
    return 1
}

have_poppler() { command -v pdftoppm >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; }

can_apt() { [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; }

apt_lists_present() { ls /var/lib/apt/lists/ 2>/dev/null | grep -q '_Packages'; }

apt_install() {
    # Install the packages given; update the package lists first when there are none, and
    # once more (then retry) when the install fails on stale lists.
    export DEBIAN_FRONTEND=noninteractive
    if ! apt_lists_present; then
        say "apt-get update"
        apt-get update -q >/dev/null 2>&1 || say "apt-get update thất bại / failed (tiếp tục / continuing)"
    fi
    say "apt-get install -y --no-install-recommends $*"
    if apt-get install -y -q --no-install-recommends "$@" >/tmp/check_system.apt.log 2>&1; then
        return 0
    fi
    say "apt-get update (thử lại / retrying)"
    apt-get update -q >/dev/null 2>&1 || true
    apt-get install -y -q --no-install-recommends "$@" >/tmp/check_system.apt.log 2>&1 && return 0
    tail -n 5 /tmp/check_system.apt.log | sed 's/^/[sysdeps]   apt: /'
    return 1
}

missing=""
have_pango || missing="$missing libpango-1.0-0 libpangoft2-1.0-0"
have_liberation || missing="$missing fonts-liberation"

if [ -n "$missing" ]; then
    if can_apt; then
        # shellcheck disable=SC2086
        apt_install $missing || true
        command -v fc-cache >/dev/null 2>&1 && fc-cache -f >/dev/null 2>&1
    fi
    still=""
    have_pango || still="$still libpango-1.0-0 libpangoft2-1.0-0"
    have_liberation || still="$still fonts-liberation"
    if [ -n "$still" ]; then
        cat >&2 <<EOF

  LỖI: thiếu thư viện hệ thống:${still}
       WeasyPrint cần Pango để tạo văn bản PDF, và một phông Liberation Serif của hệ thống
       làm phông dự phòng. Văn bản hành chính dùng phông Liberation Serif 2.1.5 (cùng số đo
       với Times New Roman, đủ dấu tiếng Việt) có sẵn trong static/fonts/ và được nhúng vào
       PDF, không dùng phông hệ thống: gói fonts-liberation của Debian (bản 1.07) không có
       chữ tiếng Việt (ơ, ư, ạ...); gói có tiếng Việt là fonts-liberation2.
       Cài đặt (Debian/Ubuntu, với quyền root):
         apt-get install -y --no-install-recommends ${REQUIRED_PKGS}

  ERROR: missing system packages:${still}
       WeasyPrint needs Pango to render PDF documents, and a system Liberation Serif as
       its fallback font. The state documents use Liberation Serif 2.1.5 (metric-compatible
       with Times New Roman, with Vietnamese letters) shipped in static/fonts/ and embedded
       in the PDF, not the system font: Debian's fonts-liberation (version 1.07) has no
       Vietnamese letters (ơ, ư, ạ...); the package with them is fonts-liberation2.
       Install (Debian/Ubuntu, as root):
         apt-get install -y --no-install-recommends ${REQUIRED_PKGS}
       (other systems: install Pango and the Liberation fonts with your package manager,
        e.g. 'brew install pango' and the Liberation fonts on macOS)

EOF
        exit 1
    fi
fi
say "Pango + Liberation Serif: OK"

if ! have_hb_subset && can_apt; then
    apt_install $SPEED_PKGS || true
fi
if have_hb_subset; then
    say "HarfBuzz subset (libharfbuzz-subset0): OK"
else
    say "CẢNH BÁO: thiếu libharfbuzz-subset0; WeasyPrint sẽ cắt phông bằng fontTools, tạo hồ sơ chậm hơn khoảng 2,5 lần."
    say "WARNING: libharfbuzz-subset0 missing; WeasyPrint falls back to fontTools to subset fonts: dossiers build ~2.5x slower."
    say "  apt-get install -y --no-install-recommends ${SPEED_PKGS}"
fi

if [ "$want_test" = "1" ]; then
    if ! have_poppler && can_apt; then
        apt_install $TEST_PKGS || true
    fi
    if have_poppler; then
        say "poppler-utils (pdftoppm, pdftotext): OK"
    else
        say "CẢNH BÁO: thiếu poppler-utils (pdftoppm, pdftotext); các kiểm thử đọc PDF sẽ bị bỏ qua."
        say "WARNING: poppler-utils (pdftoppm, pdftotext) missing; tests that read PDFs back will be skipped."
        say "  apt-get install -y --no-install-recommends ${TEST_PKGS}"
    fi
    # The English catalog's completeness test (tests/test_catalog_complete.py) runs makemessages.
    if ! command -v xgettext >/dev/null 2>&1 && can_apt; then
        apt_install $GETTEXT_PKGS || true
    fi
    if command -v xgettext >/dev/null 2>&1 && command -v msgmerge >/dev/null 2>&1; then
        say "gettext (makemessages): OK"
    else
        say "CẢNH BÁO: thiếu gettext (xgettext, msgmerge); kiểm thử danh mục tiếng Anh sẽ bị bỏ qua."
        say "WARNING: gettext (xgettext, msgmerge) missing; the English catalog test will be skipped."
        say "  apt-get install -y --no-install-recommends ${GETTEXT_PKGS}"
    fi
    # The browser journeys (tests/e2e) drive Debian's Chromium; .ci/run installs it. Elsewhere they
    # are skipped, saying so: a warning here, never an automatic install of a whole browser.
    if [ -x /usr/bin/chromium ]; then
        say "chromium (tests/e2e): OK"
    else
        say "CẢNH BÁO: thiếu /usr/bin/chromium; các kiểm thử trên trình duyệt (tests/e2e) sẽ bị bỏ qua."
        say "WARNING: /usr/bin/chromium missing; the browser journeys (tests/e2e) will be skipped."
        say "  apt-get install -y --no-install-recommends chromium"
    fi
fi

if [ "$want_bench" = "1" ]; then
    if ! command -v wrk >/dev/null 2>&1 && can_apt; then
        apt_install $BENCH_PKGS || true
    fi
    if command -v wrk >/dev/null 2>&1; then
        say "wrk (tests/benchmarks): OK"
    else
        say "CẢNH BÁO: thiếu wrk; benchmark trang danh sách dưới tải sẽ bị bỏ qua."
        say "WARNING: wrk missing; the list pages under load benchmark will be skipped."
        say "  apt-get install -y --no-install-recommends ${BENCH_PKGS}"
    fi
fi

if [ -n "$python_bin" ]; then
    if ! err=$("$python_bin" -c 'import weasyprint' 2>&1); then
        cat >&2 <<EOF

  LỖI: WeasyPrint không nạp được thư viện hệ thống / ERROR: WeasyPrint cannot load its system libraries.
       $(printf '%s\n' "$err" | grep -v '^ ' | tail -n 1)
       Cài đặt / Install: apt-get install -y --no-install-recommends ${REQUIRED_PKGS}

EOF
        exit 1
    fi
    say "WeasyPrint: OK"
fi
exit 0
