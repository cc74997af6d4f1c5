#!/bin/sh
# git_commit.sh DIR - git init, git add and git commit of a small tree (a copy of
# /usr/include/linux, ~600 headers), then git log and git status: many small
# stat/open/read/write/rename calls and zlib work.
set -eu
cd "${1:?usage: git_commit.sh DIR}"
export HOME="$PWD" GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' \
	GIT_COMMITTER_DATE='2026-01-01T00:00:00Z'
mkdir repo
cp -R /usr/include/linux repo/src
cd repo
git init -q
git add -A
git -c user.name=bench -c user.email=bench@example.invalid commit -q -m 'initial import'
git log --oneline >/dev/null
git status --porcelain >/dev/null
