"""Plays another local user who may write Spool's shared folders, for SharedFolderFuzzTests.

For the given number of seconds, at random: plants regular files (task files with good and bad front matter, binary
junk, empty files), symbolic links (to a secret only Spool's user may read, to a canary file, to a folder outside the
workspace, to an agent definition), named pipes, sockets and huge sparse files in every shared folder, under names
Spool reads (its own range of task ids, outputs, attempt records, failure notes, pipes), swaps them for one another
with rename, and removes them. Prints how many of each it made.

usage: shared_folder_fuzzer.py <workspace> <secret> <canary> <outside folder> <seconds> <seed>
"""
import os
import random
import socket
import sys
import time

workspace, secret, canary, outside, seconds, seed = sys.argv[1:7]
rng = random.Random(int(seed))
deadline = time.monotonic() + float(seconds)
folders = {name: os.path.join(workspace, name) for name in ("tasks", "outputs", "pipes", "failures", ".spool/attempts")}
targets = [secret, canary, outside, os.path.join(workspace, "agents", "agent_a.md"), "/etc/shadow", "/dev/zero"]
states = ["pending", "inprogress_agent_a", "inprogress_intruder", "done", "failed", "cancelled"]
counts = {}
sockets = []


def task_id():
    # The other user's own range of ids: it never touches the tasks the test submits.
    return "task_%03d" % rng.randint(500, 540)


def name_in(folder):
    if folder == "tasks":
        return rng.choice([task_id() + "_" + rng.choice(states) + ".md", "junk-%d.md" % rng.randint(0, 9)])
    if folder == "outputs":
        return rng.choice([task_id() + "_result.md", ".%s_result.md.%d.tmp" % (task_id(), rng.randint(0, 9))])
    if folder == "pipes":
        return "pipeline_%03d_stage1_to_stage2" % rng.randint(500, 505)
    if folder == "failures":
        return "%s.intruder.%d.md" % (task_id(), rng.randint(0, 99))
    return "%s.%d.json" % (task_id(), rng.randint(1, 3))


def content():
    return rng.choice([
        b"---\ntitle: planted\n---\nSay something.\n",
        b"---\ndepends_on: [task_%03d]\n---\nWait.\n" % rng.randint(1, 600),
        b"---\ndepends_on: [task_%03d]\nroles: [general]\n---\nChain.\n" % rng.randint(500, 540),
        b"---\ntitle: [broken\n---\n",
        bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 512))),
        b"",
        b'{"number":1,"outcome":"DONE","agent":"intruder","tokens":{"prompt":99999999}}',
        b"agent: intruder\nfinished_at: 2026-01-01T00:00:00Z\n---\nforged answer\n",
    ])


def remove(path):
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            os.rmdir(path)
        else:
            os.unlink(path)
    except OSError:
        pass


def plant(path):
    kind = rng.choice(["file", "file", "link", "link", "fifo", "socket", "sparse", "folder"])
    temp = os.path.join(os.path.dirname(path), ".fuzz-%d" % rng.getrandbits(32))
    try:
        if kind == "file":
            with open(temp, "wb") as f:
                f.write(content())
        elif kind == "link":
            os.symlink(rng.choice(targets), temp)
        elif kind == "fifo":
            os.mkfifo(temp)
        elif kind == "socket":
            s = socket.socket(socket.AF_UNIX)
            s.bind(temp)
            sockets.append(s)
        elif kind == "sparse":
            with open(temp, "wb") as f:
                f.write(b"---\ntitle: huge\n---\n")
                f.truncate(rng.choice([2 << 20, 900 << 20, 4 << 30]))
        else:
            os.mkdir(temp)
        # Into place in one step, over whatever had the name: the swap another user can make at any moment.
        if os.path.isdir(path) and not os.path.islink(path):
            remove(path)
        os.rename(temp, path)
        counts[kind] = counts.get(kind, 0) + 1
    except OSError:
        remove(temp)


while time.monotonic() < deadline:
    folder = rng.choice(list(folders))
    path = os.path.join(folders[folder], name_in(folder))
    action = rng.random()
    if action < 0.75:
        plant(path)
    elif action < 0.9:
        other = os.path.join(folders[folder], name_in(folder))
        try:
            os.rename(path, other)
            counts["swap"] = counts.get("swap", 0) + 1
        except OSError:
            pass
    else:
        remove(path)
        counts["remove"] = counts.get("remove", 0) + 1
    time.sleep(rng.random() / 500)

print(" ".join("%s=%d" % item for item in sorted(counts.items())))
