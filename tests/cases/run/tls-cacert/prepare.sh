. "$OB_TESTS_DIR/lib/run.sh"
gen_pu 3 10 1      # 30 jobs
make_tls_certs     # ca.pem; server.pem/server.key for IP 127.0.0.1, signed by that CA
SIM_CACERT=ca.pem  # for sim_get only (not exported: atlas-offboard must not trust it by itself)
