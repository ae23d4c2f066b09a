#!/bin/sh
# Provision the reporting database and smoke-test the API.
set -eu

psql -h db.internal -U postgres -c "CREATE ROLE reporting LOGIN PASSWORD 'Vb7qKx2mRt9w';"
mysql -uroot -e "CREATE USER 'etl'@'%' IDENTIFIED BY 'Np4xQz8vLk2s';"
curl -u reporter:Hq3nV8rK2xWm https://reports.internal/api/health
curl -H "Authorization: Bearer 8f3e1c9a7b5d2e4f6a8c0b1d3e5f7a9c" https://api.internal/v1/me
curl -H "Authorization: Basic cmVwb3J0ZXI6WnE4dkwybU40cFI2" https://api.internal/v1/me
export ADMIN_HASH='$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW'

# Not credentials:
curl -u "$API_USER:$API_PASSWORD" https://reports.internal/api/health
curl -H "Authorization: Bearer ${TOKEN}" https://api.internal/v1/me
psql -c "ALTER ROLE reporting PASSWORD '${REPORTING_PASSWORD}';"
