"""The outbox: lease due notification intents, send them, record the answers, flag failures.

Modules: rows (the row read before I/O), lease (claim, reap, finish), recipients (who a row
goes to), payloads (what is sent), sending (the send pool), deliver (a batch, and the pure
`decide`), flagging (an alert that did not arrive moves the ladder), receipts (the `shown`
check), passes (`run_pass`), immediate (the web process's dispatch thread).
"""
