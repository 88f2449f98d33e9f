#!/usr/bin/env bash
# Offline install from the archive `make bundle` makes; reaches no network. In the unpacked folder, which becomes the
# app's folder:   bash deploy/install.sh
# PYTHON: the Python 3.11 to use (default python3). DATABASE_URL as for the app (default instance/app.db, SQLite).
# Writes instance/env (SECRET_KEY_FILE, and PDF_FONT_SONG / PDF_FONT_HEI when the fonts could not go to the system)
# for the systemd units' EnvironmentFile; running it again keeps what is there and only adds what is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3}
offline=offline
SONG=/usr/share/fonts/truetype/arphic/uming.ttc
HEI=/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
fail() { echo "安装中止：$*" >&2; exit 1; }

[[ -d $offline/wheels ]] || fail "找不到 $offline/wheels；请在 make bundle 生成的压缩包解开后的目录中运行。"
(cd "$offline" && sha256sum --quiet -c SHA256SUMS) || fail "离线包中的文件与 SHA256SUMS 不符，压缩包可能不完整，请重新复制。"
version=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])') || fail "找不到 $PYTHON。"
[[ $version == 3.11 ]] || fail "需要 Python 3.11（离线包的轮子按 3.11 打包），$PYTHON 是 $version；可用 PYTHON=/usr/bin/python3.11 指定。"

mkdir -p instance
env_file=instance/env
touch "$env_file"
set_default() {  # set_default NAME VALUE: add NAME=VALUE to instance/env unless NAME is already there
    grep -q "^$1=" "$env_file" || echo "$1=$2" >> "$env_file"
}

echo "1/5 Python 虚拟环境与依赖（pip install --no-index）"
"$PYTHON" -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check --no-index --find-links "$offline/wheels" -r requirements.txt

echo "2/5 PDF 中文字体"
if [[ -f $SONG && -f $HEI ]]; then
    echo "    系统中已有 $SONG 和 $HEI"
elif [[ $(id -u) -eq 0 ]] && dpkg -s fontconfig debconf >/dev/null 2>&1; then
    dpkg -i "$offline"/debs/*.deb >/dev/null
    echo "    已用 dpkg 安装到系统"
else  # not root, or the packages' dependencies are missing: the font files in the app's folder, named in instance/env
    for deb in "$offline"/debs/*.deb; do dpkg-deb -x "$deb" instance/fonts; done
    set_default PDF_FONT_SONG "$PWD/instance/fonts$SONG"
    set_default PDF_FONT_HEI "$PWD/instance/fonts$HEI"
    echo "    已解到 instance/fonts，并在 $env_file 中设置 PDF_FONT_SONG / PDF_FONT_HEI"
fi

echo "3/5 htmx（node_modules/htmx.org）"
rm -rf node_modules/htmx.org
mkdir -p node_modules/htmx.org
tar -xzf "$offline"/npm/htmx.org-*.tgz -C node_modules/htmx.org --strip-components=1

echo "4/5 会话密钥（instance/secret_key）"
[[ -s instance/secret_key ]] || .venv/bin/python -c "import secrets; print(secrets.token_hex(32))" > instance/secret_key
chmod 600 instance/secret_key
set_default SECRET_KEY_FILE "$PWD/instance/secret_key"

echo "5/5 数据库迁移与参考数据"
set -a
# shellcheck disable=SC1090
. "$env_file"
set +a
.venv/bin/flask --app app db-upgrade
.venv/bin/flask --app app seed-reference

cat <<EOF

安装完成（$(cat REVISION 2>/dev/null || echo '版本未知')）。接下来：
  set -a; . $env_file; set +a
  .venv/bin/flask --app app create-admin                       # 管理员账号
  .venv/bin/gunicorn --bind 0.0.0.0:8000 wsgi:app                # 进程数等设置见 gunicorn.conf.py
  .venv/bin/huey_consumer tasks.huey --workers 2 --worker-type thread
或按 README“正式部署”写 systemd 服务单元（EnvironmentFile=$PWD/$env_file）。
EOF
