#!/usr/bin/env bash
# Khôi phục từ bản sao lưu / Restore a backup made by config/backup.sh.
#
#   createdb -h host -U user thidua_restored        # a fresh, empty database
#   DATABASE_URL=postgres://user:pass@host:5432/thidua_restored MEDIA_ROOT=/data/media \
#       bash config/restore.sh BACKUP_DIR
#
# Checks SHA256SUMS, restores database.dump with pg_restore in one transaction (all or nothing)
# into the database of DATABASE_URL, which must be empty, then unpacks media.tar.gz into
# MEDIA_ROOT. Then point the portal at that database and run `python manage.py migrate` (it
# applies nothing when the code is the one that made the backup).
set -euo pipefail

die() { echo "restore.sh: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "cách dùng / usage: restore.sh BACKUP_DIR"
folder="$1"
[ -f "$folder/database.dump" ] || die "không thấy / not found: $folder/database.dump"
database_url="${DATABASE_URL:-}"
case "$database_url" in
    postgres://*|postgresql://*) ;;
    *) die "DATABASE_URL phải là postgres://... của cơ sở dữ liệu mới / must be the postgres:// URL of the fresh database" ;;
esac
for tool in pg_restore psql; do
    command -v "$tool" >/dev/null || die "thiếu $tool / $tool not found (Debian: apt-get install postgresql-client)"
done

if [ -f "$folder/SHA256SUMS" ]; then
    (cd "$folder" && sha256sum --check --quiet SHA256SUMS) || die "sai checksum / checksum mismatch in $folder"
fi

tables="$(psql --no-psqlrc --tuples-only --no-align --dbname="$database_url" \
    --command="SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")"
[ "$tables" = "0" ] || die "cơ sở dữ liệu đích không trống ($tables bảng) / the target database is not empty: restore into a fresh one"

pg_restore --no-owner --no-privileges --single-transaction --exit-on-error \
    --dbname="$database_url" "$folder/database.dump"

if [ -f "$folder/media.tar.gz" ]; then
    media_root="${MEDIA_ROOT:-var/media}"
    mkdir -p "$media_root"
    tar --extract --gzip --file="$folder/media.tar.gz" --directory="$media_root"
fi
echo "restore.sh: đã khôi phục / restored $folder"
