-- One database per service (docker-compose; deploy/postgres/start.sh does the same natively).
CREATE DATABASE arrears;
CREATE DATABASE triage;
CREATE DATABASE placement;
CREATE DATABASE notifications;
CREATE DATABASE monitor;
CREATE DATABASE keycloak;  -- Keycloak's own (docker-compose.yml); the chain never reads it
