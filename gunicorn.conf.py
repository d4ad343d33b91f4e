"""gunicorn settings for the web service (read from the working directory: the Dockerfile,
docker-compose and bench/load.py all start gunicorn from the repository root).

- gthread: pendamping on slow mobile links hold a connection for seconds; threads keep
  the other users moving while one request waits on the network or the database.
- keepalive 75 s: an idle browser connection is reused instead of re-opened (TLS and TCP
  setup cost a phone far more than the request). With gunicorn's default of 2 s, a client
  that paused ~2 s raced the server closing the connection and got "connection reset"
  (seen in bench/load.py as 2 errors per minute at 50 users).
- timeout 120 s: the admin's Final Closing import runs in the request (preview, then
  confirm); an office's first file of ~10.000 families takes about 10 s each on one core
  (bench/kpm_final_closing.py), so the default 30 s leaves too little room on a busy server.
"""

import os

workers = int(os.environ.get("GUNICORN_WORKERS", "3"))  # .env.example: 2 × CPU + 1
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = 75
timeout = 120
graceful_timeout = 30
