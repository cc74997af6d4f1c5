#!/usr/bin/env python3
"""iptables_probe.py CASE... - loopback traffic for net_iptables.sh: each case prints one
line saying what the application saw (connected, refused, timed out, who the peer was),
so that the output natively (in a fresh netns) and under cvisor can be compared.

  tcp [ADDR:]PORT          connect to 127.0.0.1:PORT (or ADDR:PORT) (a listener on the real port is
                           started by `listen`), send a line, print the answer
  listen PORT...           background TCP echo servers that answer "PORT PEERIP"
  udp [ADDR:]PORT          a connected UDP send to 127.0.0.1:PORT, print the answer or
                           the error (ECONNREFUSED from an ICMP error)
  udpserve PORT...         background UDP servers answering "PORT PEERIP"
  sendto PORT              an unconnected UDP send (EPERM when OUTPUT drops it)
  hold PORT                connect, then keep the connection for `held`
  held                     send over the held connection again
  tcpretry [ADDR:]PORT     as tcp, retried for 15 s until something answers (a peer
                           that is still starting)
  sh 'COMMAND'             runs COMMAND (an iptables change between two cases)
"""
import errno
import os
import socket
import sys
import time

HOST = "127.0.0.1"
servers = []
held = None


def err_name(e):
    return errno.errorcode.get(e.errno, str(e.errno)) if getattr(e, "errno", None) else type(e).__name__


def serve_tcp(ports):
    pid = os.fork()
    if pid:
        servers.append(pid)
        return
    import select
    ls = []
    for p in ports:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", p))
        s.listen(16)
        ls.append(s)
    conns = {}
    while True:
        r, _, _ = select.select(ls + list(conns), [], [], 10)
        if not r:
            os._exit(0)
        for s in r:
            if s in ls:
                c, peer = s.accept()
                conns[c] = s.getsockname()[1], peer[0]
            else:
                try:
                    d = s.recv(100)
                except OSError:
                    d = b""
                if not d:
                    del conns[s]
                    s.close()
                    continue
                port, peer = conns[s]
                s.sendall(("%d %s\n" % (port, peer)).encode())


def serve_udp(ports):
    pid = os.fork()
    if pid:
        servers.append(pid)
        return
    import select
    ss = []
    for p in ports:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", p))
        ss.append(s)
    while True:
        r, _, _ = select.select(ss, [], [], 10)
        if not r:
            os._exit(0)
        for s in r:
            d, peer = s.recvfrom(100)
            s.sendto(("%d %s\n" % (s.getsockname()[1], peer[0])).encode(), peer)


def addr_of(port):
    """PORT or ADDR:PORT"""
    if isinstance(port, str) and ":" in port:
        a, p = port.split(":")
        return a, int(p)
    return HOST, int(port)


def tcp(port):
    s = socket.socket()
    s.settimeout(0.6)
    try:
        s.connect(addr_of(port))
        s.sendall(b"hi\n")
        ans = s.recv(100).decode().strip()
        print("tcp %s: answer %s (peer port %d)" % (port, ans, s.getpeername()[1]))
        return s
    except socket.timeout:
        print("tcp %s: timed out" % port)
    except OSError as e:
        print("tcp %s: %s" % (port, err_name(e)))
    s.close()
    return None


def tcp_retry(port):
    end = time.time() + 15
    while True:
        s = socket.socket()
        s.settimeout(0.5)
        try:
            s.connect(addr_of(port))
            s.sendall(b"hi\n")
            ans = s.recv(100).decode().strip()
            if ans:
                print("tcp %s: answer %s (peer port %d)" % (port, ans, s.getpeername()[1]))
                s.close()
                return
        except OSError as e:
            if time.time() > end:
                print("tcp %s: %s" % (port, err_name(e)))
                return
        s.close()
        time.sleep(0.2)


def udp(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.6)
    try:
        s.connect(addr_of(port))
        s.send(b"hi")
        d, peer = s.recvfrom(100)
        print("udp %s: answer %s from port %d" % (port, d.decode().strip(), peer[1]))
    except socket.timeout:
        print("udp %s: timed out" % port)
    except OSError as e:
        print("udp %s: %s" % (port, err_name(e)))
    s.close()


def sendto(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.sendto(b"hi", (HOST, port))
        print("sendto %d: sent" % port)
    except OSError as e:
        print("sendto %d: %s" % (port, err_name(e)))
    s.close()


def main(args):
    global held
    i = 0
    while i < len(args):
        a = args[i]
        ports = []
        while i + 1 < len(args) and args[i + 1].replace(":", "").replace(".", "").isdigit():
            ports.append(args[i + 1] if ":" in args[i + 1] else int(args[i + 1]))
            i += 1
        if a == "sh":
            sys.stdout.flush()
            os.system(args[i + 1])
            i += 1
        elif a == "listen":
            serve_tcp(ports)
            time.sleep(0.2)
        elif a == "udpserve":
            serve_udp(ports)
            time.sleep(0.2)
        elif a == "tcp":
            for p in ports:
                c = tcp(p)
                if c:
                    c.close()
        elif a == "tcpretry":
            for p in ports:
                tcp_retry(p)
        elif a == "hold":
            held = tcp(ports[0])
        elif a == "held":
            try:
                held.sendall(b"again\n")
                print("held: answer %s" % held.recv(100).decode().strip())
            except (OSError, AttributeError) as e:
                print("held: %s" % err_name(e))
        elif a == "udp":
            for p in ports:
                udp(p)
        elif a == "sendto":
            for p in ports:
                sendto(p)
        else:
            print("unknown case " + a)
        i += 1
    for pid in servers:
        os.kill(pid, 9)
        os.waitpid(pid, 0)


main(sys.argv[1:])
