# Every request atlas-sim accepts as valid is valid against the official API description:
# each served (method, path template, media type) of the v2 API is an operation and a success
# media type of shared/atlas-api (beside the checkout) (subset.json; v2.yaml for rateLimits), and the DELETE
# operations of subset.json are all served with every version they have. v1.0 and the OAuth
# endpoints are not part of the v2 description (documented in README.md). The path parameter
# patterns the simulator enforces are checked against the description too.
. "$(dirname "$0")/lib.sh"
SUBSET=$SIM_API_DIR/subset.json
YAML=$SIM_API_DIR/v2.yaml
"$SIM" --list-routes >"$T/routes"
expect_eq "list-routes exit" 0 "$?"
n=0
while read -r method path media; do
	n=$((n + 1))
	case "$path" in
	/api/atlas/v1.0/* | /api/oauth/*) ok; continue ;;
	/api/atlas/v2/rateLimits*)
		# the path's section of v2.yaml: from "    PATH:" to the next path key
		section=$(awk -v p="    $path:" '$0 == p {on = 1; next} on && /^    \/api\// {exit} on' "$YAML")
		expect_match "$path in v2.yaml" "^ +$(tr '[:upper:]' '[:lower:]' <<<"$method"):" "$section"
		if grep -qF -- "$media:" <<<"$section"; then ok; else fail "$path $media not in v2.yaml"; fi
		;;
	*)
		found=$(jq -r --arg m "$method" --arg p "$path" --arg t "$media" \
			'[._operations[] | select(.method == $m and .path == $p) | .successMediaTypes[] | keys[] | select(. == $t)] | length' \
			"$SUBSET")
		expect_eq "$method $path $media in subset.json" 1 "$found"
		;;
	esac
done <"$T/routes"
expect_eq "routes listed" 8 "$n"
# completeness: the DELETE operations of subset.json that the product uses, with all their versions
for p in '/api/atlas/v2/groups/{groupId}/users/{userId}' '/api/atlas/v2/groups/{groupId}/databaseUsers/{databaseName}/{username}'; do
	want=$(jq -r --arg p "$p" '._operations[] | select(.method == "DELETE" and .path == $p) | .successMediaTypes[] | keys[]' "$SUBSET" | sort)
	have=$(awk -v p="$p" '$1 == "DELETE" && $2 == p {print $3}' "$T/routes" | sort)
	expect_eq "all versions of DELETE $p" "$want" "$have"
done
# the id patterns the simulator enforces (sim_is_object_id: 24 lowercase hex digits)
expect_eq "groupId pattern" '^([a-f0-9]{24})$' "$(jq -r .components.parameters.groupId.schema.pattern "$SUBSET")"
expect_eq "userId pattern" '^([a-f0-9]{24})$' \
	"$(jq -r '.paths["/api/atlas/v2/groups/{groupId}/users/{userId}"].delete.parameters[] | select(.name == "userId") | .schema.pattern' "$SUBSET")"
# the error body keys are those of ApiError
expect_eq "ApiError properties" '["badRequestDetail","detail","error","errorCode","parameters","reason"]' \
	"$(jq -c '.components.schemas.ApiError.properties | keys' "$SUBSET")"
finish
