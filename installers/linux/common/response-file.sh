# Response file → agent configuration, in POSIX sh so the package's preinst can check it before a
# single file is unpacked (no Node exists on the workstation yet then). The build inlines this file
# into the maintainer scripts and into /usr/lib/dlp-agent/configure-agent; tests source it.
#
# The response file (/etc/dlp/agent.conf) holds KEY=VALUE lines; `#` starts a comment line; a value
# may be wrapped in one pair of "double" or 'single' quotes. Nothing is expanded or executed.
# Every value is checked against a character set that is safe inside a JSON string, so the writer
# below needs no escaping; the agent's own schema (shared/src/schemas/agent-config.ts) checks the
# written file again when it starts.

DLP_RESPONSE_KEYS="CONSOLE_URL ENROLL_SECRET CONSOLE_KEY_SHA256 CONSOLE_CERT_SHA256 APP_CONTROL ENROLL_AT_INSTALL"

# dlp_response_error MESSAGE: one problem, on stderr, prefixed with the file it is about.
dlp_response_error() {
  printf '%s: %s\n' "$dlp_response_file" "$1" >&2
  dlp_response_problems=$((dlp_response_problems + 1))
}

# dlp_read_response_file FILE: parses FILE into dlp_CONSOLE_URL, dlp_ENROLL_SECRET, … (empty when
# absent); counts problems in dlp_response_problems. Returns 1 when there were any.
dlp_read_response_file() {
  dlp_response_file=$1
  dlp_response_problems=0
  for key in $DLP_RESPONSE_KEYS; do eval "dlp_$key=; dlp_seen_$key="; done
  if [ ! -r "$dlp_response_file" ]; then
    dlp_response_error "cannot read the response file"
    return 1
  fi
  line_number=0
  while IFS= read -r line || [ -n "$line" ]; do
    line_number=$((line_number + 1))
    line=$(printf '%s' "$line" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e 's/\r$//')
    case $line in '' | '#'*) continue ;; esac
    case $line in
      *=*) key=${line%%=*}; value=${line#*=} ;;
      *) dlp_response_error "line $line_number: expected KEY=VALUE, got \"$line\""; continue ;;
    esac
    key=$(printf '%s' "$key" | sed 's/[[:space:]]*$//')
    value=$(printf '%s' "$value" | sed 's/^[[:space:]]*//')
    case $value in
      \"*\") value=${value#\"}; value=${value%\"} ;;
      \'*\') value=${value#\'}; value=${value%\'} ;;
    esac
    case " $DLP_RESPONSE_KEYS " in
      *" $key "*)
        if eval "[ -n \"\$dlp_seen_$key\" ]"; then
          dlp_response_error "line $line_number: $key is set twice"
          continue
        fi
        eval "dlp_seen_$key=1"
        # The value cannot contain a quote character here (checked below before it is used).
        dlp_set_value "$key" "$value"
        ;;
      *)
        case $key in
          GROUP | DLP_GROUP) dlp_response_error "line $line_number: $key cannot be set on the workstation: the enroll secret decides the agent's group (create one enroll secret per group on the console)" ;;
          *) dlp_response_error "line $line_number: unknown setting \"$key\" (known: $DLP_RESPONSE_KEYS)" ;;
        esac
        ;;
    esac
  done < "$dlp_response_file"
  [ "$dlp_response_problems" -eq 0 ]
}

# dlp_set_value KEY VALUE: stores VALUE in dlp_KEY without evaluating it.
dlp_set_value() {
  case $1 in
    CONSOLE_URL) dlp_CONSOLE_URL=$2 ;;
    ENROLL_SECRET) dlp_ENROLL_SECRET=$2 ;;
    CONSOLE_KEY_SHA256) dlp_CONSOLE_KEY_SHA256=$2 ;;
    CONSOLE_CERT_SHA256) dlp_CONSOLE_CERT_SHA256=$2 ;;
    APP_CONTROL) dlp_APP_CONTROL=$2 ;;
    ENROLL_AT_INSTALL) dlp_ENROLL_AT_INSTALL=$2 ;;
  esac
}

# dlp_normalize_sha256 VALUE: lower case, without the `:` or space separators tools print between bytes.
dlp_normalize_sha256() {
  printf '%s' "$1" | tr -d ': ' | tr 'A-F' 'a-f'
}

# dlp_check_sha256 KEY VALUE WHAT: checks one fingerprint (already normalized).
dlp_check_sha256() {
  if ! printf '%s' "$2" | grep -Eq '^[0-9a-f]{64}$'; then
    dlp_response_error "$1 must be 64 hexadecimal digits ($3); got \"$2\" (${#2} characters)"
  fi
}

# dlp_is_console_url VALUE: ws:// or wss://, a host (name, IPv4 or [IPv6], optional :port), then an
# optional path or query; printable ASCII only, without `"` or `\`, so it is safe in a JSON string.
dlp_is_console_url() {
  case $1 in
    *'"'* | *'\'*) return 1 ;;
    ws://*) rest=${1#ws://} ;;
    wss://*) rest=${1#wss://} ;;
    *) return 1 ;;
  esac
  host=${rest%%[/?]*}
  printf '%s' "$1" | LC_ALL=C grep -Eq '^[[:graph:]]+$' && printf '%s' "$host" | LC_ALL=C grep -Eq '^([A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$'
}

# dlp_check_response DATA_DIR: checks the values read by dlp_read_response_file. The enroll secret
# may be left out once the agent has enrolled (DATA_DIR/credentials.json exists). Returns 1 on problems.
dlp_check_response() {
  dlp_data_dir=$1
  if [ -z "$dlp_CONSOLE_URL" ]; then
    dlp_response_error "CONSOLE_URL is required (example: wss://console.example:8443/agent)"
  elif ! dlp_is_console_url "$dlp_CONSOLE_URL"; then
    dlp_response_error "CONSOLE_URL \"$dlp_CONSOLE_URL\" is not a ws:// or wss:// URL of the console's agent endpoint (example: wss://console.example:8443/agent)"
  fi
  if [ -n "$dlp_ENROLL_SECRET" ]; then
    if ! printf '%s' "$dlp_ENROLL_SECRET" | grep -Eq '^[A-Za-z0-9._~+/=-]{16,128}$'; then
      dlp_response_error "ENROLL_SECRET must be 16 to 128 characters of A-Z a-z 0-9 . _ ~ + / = - as the console printed it; got ${#dlp_ENROLL_SECRET} characters"
    fi
  elif [ ! -e "$dlp_data_dir/credentials.json" ]; then
    dlp_response_error "ENROLL_SECRET is required until the agent has enrolled ($dlp_data_dir/credentials.json does not exist yet)"
  fi
  if [ -n "$dlp_CONSOLE_KEY_SHA256" ]; then
    dlp_CONSOLE_KEY_SHA256=$(dlp_normalize_sha256 "$dlp_CONSOLE_KEY_SHA256")
    dlp_check_sha256 CONSOLE_KEY_SHA256 "$dlp_CONSOLE_KEY_SHA256" "SHA-256 of the console's signing key, logged by the console as signingKeySha256"
  fi
  if [ -n "$dlp_CONSOLE_CERT_SHA256" ]; then
    dlp_CONSOLE_CERT_SHA256=$(dlp_normalize_sha256 "$dlp_CONSOLE_CERT_SHA256")
    dlp_check_sha256 CONSOLE_CERT_SHA256 "$dlp_CONSOLE_CERT_SHA256" "SHA-256 of the console TLS certificate's public key"
  fi
  case ${dlp_APP_CONTROL:-auto} in
    auto | fanotify | proc-scan) ;;
    *) dlp_response_error "APP_CONTROL must be auto, fanotify or proc-scan; got \"$dlp_APP_CONTROL\"" ;;
  esac
  case ${dlp_ENROLL_AT_INSTALL:-yes} in
    yes | no) ;;
    *) dlp_response_error "ENROLL_AT_INSTALL must be yes or no; got \"$dlp_ENROLL_AT_INSTALL\"" ;;
  esac
  [ "$dlp_response_problems" -eq 0 ]
}

# dlp_agent_json DATA_DIR: prints the agent's JSON configuration for the checked values.
dlp_agent_json() {
  printf '{\n  "consoleUrl": "%s",\n' "$dlp_CONSOLE_URL"
  [ -n "$dlp_ENROLL_SECRET" ] && printf '  "enrollSecret": "%s",\n' "$dlp_ENROLL_SECRET"
  [ -n "$dlp_CONSOLE_KEY_SHA256" ] && printf '  "consoleSigningKeySha256": "%s",\n' "$dlp_CONSOLE_KEY_SHA256"
  [ -n "$dlp_CONSOLE_CERT_SHA256" ] && printf '  "consoleCertSha256": "%s",\n' "$dlp_CONSOLE_CERT_SHA256"
  printf '  "appControl": { "method": "%s" },\n' "${dlp_APP_CONTROL:-auto}"
  # The socket the tray and `dlp-agent` use as any user (systemd makes /run/dlp-agent 0755; the
  # macOS package sets DLP_LOCAL_SOCKET, as / is read-only there).
  printf '  "localSocket": "%s",\n' "${DLP_LOCAL_SOCKET:-/run/dlp-agent/agent.sock}"
  printf '  "dataDir": "%s"\n}\n' "$1"
}

# dlp_configure RESPONSE_FILE CONFIG_JSON DATA_DIR: checks RESPONSE_FILE and, only when it has no
# problem, replaces CONFIG_JSON (mode 0600) in one rename. Nothing is written otherwise.
dlp_configure() {
  dlp_read_response_file "$1" || return 1
  dlp_check_response "$3" || return 1
  config_dir=$(dirname "$2")
  mkdir -p "$config_dir"
  tmp=$(mktemp "$config_dir/.agent.json.XXXXXX") || return 1
  chmod 0600 "$tmp"
  if ! dlp_agent_json "$3" > "$tmp"; then
    rm -f "$tmp"
    return 1
  fi
  mv -f "$tmp" "$2"
}

# dlp_enroll_now CONFIG_JSON DATA_DIR: after dlp_configure, enrolls with the console once
# (`dlp-agent enroll`), so that a secret or key the console refuses fails this step with the
# console's own words instead of leaving an agent that never enrolls. Enrolled, waiting for an
# admin's approval, or console not reachable now (the service enrolls by itself later): success.
# Refused: CONFIG_JSON is removed again (nothing starts from a configuration the console refused)
# and it returns 1. Skipped when already enrolled or with ENROLL_AT_INSTALL=no (golden images: the
# image must not carry one machine's enrollment). DLP_AGENT_LIB: where node and service.js are.
dlp_enroll_now() {
  [ -e "$2/credentials.json" ] && return 0
  if [ "${dlp_ENROLL_AT_INSTALL:-yes}" = no ]; then
    echo "dlp-agent: not enrolling now (ENROLL_AT_INSTALL=no): the service enrolls when it first starts"
    return 0
  fi
  dlp_lib=${DLP_AGENT_LIB:-/usr/lib/dlp-agent}
  dlp_enroll_status=0
  "$dlp_lib/node" "$dlp_lib/service.js" enroll --config "$1" || dlp_enroll_status=$?
  case $dlp_enroll_status in
    0 | 10 | 75) return 0 ;;
  esac
  rm -f "$1"
  echo "dlp-agent: not configured, the console refused this workstation (above); fix $dlp_response_file and run: dlp-agent configure" >&2
  return 1
}
