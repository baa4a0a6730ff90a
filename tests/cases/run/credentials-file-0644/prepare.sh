. "$OB_TESTS_DIR/lib/run.sh"
gen_pu 2 5 1
printf "MONGODB_ATLAS_PUBLIC_API_KEY=sim-public-key\nMONGODB_ATLAS_PRIVATE_API_KEY=sim-private-key-0123456789\n" > creds.env
chmod 0644 creds.env
