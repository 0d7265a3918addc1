from load import load
import sys
load(sys.argv[1], cache=sys.argv[2])
