# -*- coding: utf-8 -*-
# Python 2 code: print statements, backticks, ur'' strings, <> and exec.
import urllib2

DB_PASSWORD = 'FAKE-py2-pw'
API_KEY = ur'FAKE-py2-raw-unicode'
OCTAL = 0777
LONG = 10L

def fetch(url, password='FAKE-py2-default'):
    print "fetching", url
    if password <> 'FAKE-py2-compare':
        print >>sys.stderr, `password`
    exec "x = 1" in globals()
    req = urllib2.Request(url)
    req.add_header('Authorization', 'Basic %s' % base64.b64encode('%s:%s' % (user, password)))
    return urllib2.urlopen(req).read()

class Settings(object):
    token = u'FAKE-py2-token'
    def __init__(self):
        self.secret = 'FAKE-py2-secret'
