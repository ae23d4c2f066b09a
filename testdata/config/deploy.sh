#!/usr/bin/env bash
set -euo pipefail

export AWS_ACCESS_KEY_ID=AKIAFAKEFAKEFAKEFAKE
export AWS_SECRET_ACCESS_KEY="fake/secret/access/key/0123456789"
DB_PASSWORD='fake-sh-db-pw'
declare -x API_TOKEN=fake-declared-token
readonly REGION=eu-west-1 BUCKET="fake-bucket-$ENVIRONMENT"
PGPASSWORD=fake-pg-inline psql -h db -U app -c 'select 1'
mysql -u root -pfake-mysql-pw app < dump.sql
docker login -u ci -p fake-docker-login-pw registry.example.com
curl -H "Authorization: Bearer fake-curl-bearer" https://api.example.com/v1
twine upload --username __token__ --password=fake-twine-pw dist/*
TODAY=$(date +%F)
cat > .env <<EOF2
HEREDOC_SECRET=fake-heredoc-secret
EOF2
echo "done" # password=not-an-assignment
