#!/bin/sh
test_description='GEO: GEOADD, GEODIST, GEOHASH, GEOPOS, GEOSEARCH(STORE) and
GEORADIUS(BYMEMBER)(_RO) answer like redis-server, bad arguments included,
and geo sets move between the two by DUMP/RESTORE'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success 'start codis-server' '
    start_server
'

test_expect_success 'positions, distances and hashes of Redis docs example' '
    cli geoadd Sicily 13.361389 38.115556 Palermo \
        15.087269 37.502669 Catania >actual &&
    cli geodist Sicily Palermo Catania km >>actual &&
    cli geohash Sicily Palermo Catania >>actual &&
    cli geopos Sicily Palermo >>actual &&
    cli geosearch Sicily fromlonlat 15 37 byradius 200 km asc >>actual &&
    cat >expect <<-\EOT &&
	2
	166.2742
	sqc8b49rny0
	sqdtr74hyu0
	13.36138933897018433
	38.11555639549629859
	Catania
	Palermo
	EOT
    test_cmp expect actual
'

test_expect_success REDIS_REF 'start the reference redis-server' '
    start_redis_ref
'

for seed in 1 2 3; do
    test_expect_success REDIS_REF "2000 random GEO commands, seed $seed" '
        python3 "$TEST_DIRECTORY/lib-geo-fuzz.py" $REF_PORT $SERVER_PORT \
            $seed 2000
    '
done

test_expect_success REDIS_REF 'a geo set moves both ways by DUMP/RESTORE' '
    cli del gs &&
    cli geoadd gs 2.35 48.85 paris 13.40 52.52 berlin &&
    python3 "$TEST_DIRECTORY/lib-dump-move.py" $SERVER_PORT $REF_PORT gs &&
    redis-cli -p $REF_PORT geoadd gs -0.12 51.5 london &&
    python3 "$TEST_DIRECTORY/lib-dump-move.py" $REF_PORT $SERVER_PORT gs &&
    redis-cli -p $REF_PORT geosearch gs frommember paris byradius 1000 km \
        asc withdist >expect &&
    cli geosearch gs frommember paris byradius 1000 km asc withdist >actual &&
    test_cmp expect actual
'

test_done
