. "$OB_TESTS_DIR/lib/run.sh"
gen_pu 2 5 1
printf "# service account\nMONGODB_ATLAS_CLIENT_ID=mdb_sa_id_sim\nMONGODB_ATLAS_CLIENT_SECRET=mdb_sa_sk_sim-secret-0123456789\n" > creds.env
chmod 0600 creds.env
