#!/usr/bin/env bash
# Regenerates the emulator's TEST-ONLY certificates (see README.md here). The CA's private key is
# thrown away on purpose: nothing else can ever be signed by this CA.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/ca.cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = tencent-ci-emulator TEST-ONLY development CA
O = n8n-nodes-tencent-cloud-infinite test only
[ca_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
CNF
cat >"$work/server.cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = 127.0.0.1
O = n8n-nodes-tencent-cloud-infinite test only
[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
openssl ecparam -name prime256v1 -genkey -noout -out "$work/ca.key"
openssl req -new -x509 -key "$work/ca.key" -sha256 -days 10950 -config "$work/ca.cnf" -extensions ca_ext -out ca.pem
openssl ecparam -name prime256v1 -genkey -noout -out server.key
openssl req -new -key server.key -config "$work/server.cnf" -out "$work/server.csr"
openssl x509 -req -in "$work/server.csr" -CA ca.pem -CAkey "$work/ca.key" -CAcreateserial -CAserial "$work/ca.srl" \
	-sha256 -days 10950 -extfile "$work/server.cnf" -extensions server_ext -out server.pem
openssl verify -CAfile ca.pem server.pem
