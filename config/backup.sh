#!/usr/bin/env bash
# Sao lưu cơ sở dữ liệu và tệp / Back up the database and the media files.
#
#   DATABASE_URL=postgres://user:pass@host:5432/thidua MEDIA_ROOT=/data/media \
#       bash config/backup.sh [DEST_DIR]            (default DEST_DIR: ./backups)
#
# Writes DEST_DIR/thidua-YYYYMMDD-HHMMSS/ with
#   database.dump   pg_dump -Fc (custom format: compressed, restored with pg_restore)
#   media.tar.gz    everything under MEDIA_ROOT (uploaded evidence, generated documents)
#   SHA256SUMS      checksums, verified by config/restore.sh
# and prints that folder's path on the last line. Needs pg_dump (same major version as the
# server or newer) and tar. The dump is consistent on its own: pg_dump reads one snapshot while the
# portal keeps running. Files written during the tar may be missing from it; run the backup at a
# quiet hour. With STORAGE_BACKEND=s3 the files are in the bucket: back it up with the store's own
# tools (versioning, replication, `mc mirror`); only the database is dumped here.
set -euo pipefail

die() { echo "backup.sh: $*" >&2; exit 1; }

[ $# -le 1 ] || die "cách dùng / usage: backup.sh [DEST_DIR]"
dest_root="${1:-backups}"
database_url="${DATABASE_URL:-}"
case "$database_url" in
    postgres://*|postgresql://*) ;;
    "") die "DATABASE_URL chưa đặt / DATABASE_URL is not set (postgres://...)" ;;
    *) die "DATABASE_URL không phải PostgreSQL / not a PostgreSQL URL: only postgres:// is backed up" ;;
esac
command -v pg_dump >/dev/null || die "thiếu pg_dump / pg_dump not found (Debian: apt-get install postgresql-client)"

folder="$dest_root/thidua-$(date +%Y%m%d-%H%M%S)"
[ ! -e "$folder" ] || die "$folder đã tồn tại / already exists"
mkdir -p "$folder"
# The dump holds personal data: readable by the owner only.
chmod 700 "$folder"

pg_dump --format=custom --file="$folder/database.dump" --dbname="$database_url"

if [ "${STORAGE_BACKEND:-filesystem}" = "s3" ]; then
    echo "backup.sh: STORAGE_BACKEND=s3: tệp nằm trong bucket, sao lưu bằng công cụ của kho / files are in the bucket, back it up with the store's tools" >&2
else
    media_root="${MEDIA_ROOT:-var/media}"
    mkdir -p "$media_root"
    tar --create --gzip --file="$folder/media.tar.gz" --directory="$media_root" .
fi

(cd "$folder" && sha256sum -- * > SHA256SUMS)
echo "$folder"
