"""Runs the reference's own train.py (a lufficc/SSD checkout) as `python3 train.py ARGS…` would, on Debian's PyTorch.

The whole-job mode of apps/trainer/bench/train-bench.js runs it beside `ssd train`. The only differences from
running the checkout's train.py directly are the stand-ins of reference_stand_ins.py (yacs, and the NMS module
that refuses torchvision 0.14). Benchmark code only: nothing in the project or its tests imports it.
Usage: python3 reference_train.py /path/to/lufficc-SSD [train.py's arguments]
"""
import os
import runpy
import sys

from reference_stand_ins import install_stand_ins


def main():
    if len(sys.argv) < 2 or not os.path.isfile(os.path.join(sys.argv[1], 'train.py')):
        sys.exit('usage: reference_train.py /path/to/lufficc-SSD [train.py arguments] (the checkout has no train.py)')
    reference = os.path.abspath(sys.argv[1])
    install_stand_ins()
    sys.path.insert(0, reference)
    script = os.path.join(reference, 'train.py')
    sys.argv = [script, *sys.argv[2:]]
    runpy.run_path(script, run_name='__main__')


if __name__ == '__main__':
    main()
