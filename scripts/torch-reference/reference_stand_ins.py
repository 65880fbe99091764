"""What the reference (lufficc/SSD) imports and Debian's PyTorch does not provide, for reference_train.py.

- yacs, the reference's config library (not packaged by Debian): just enough of `yacs.config.CfgNode` for the
  reference's defaults, its YAML files and `KEY VALUE` overrides.
- `ssd.utils.nms`, which exits at import when torchvision's version string sorts below '0.3.0' (as '0.14.1'
  does): the same two functions on torchvision.ops.

Install both before importing anything from the reference.
"""
import ast
import copy
import sys
import types

import yaml


def _literal(value):
    """A YAML or command-line string as yacs reads it: a Python literal where it parses as one."""
    if isinstance(value, str):
        try:
            return ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return value
    return value


class CfgNode(dict):
    """A dict with attribute access, merged from YAML files and `KEY VALUE` lists (yacs.config.CfgNode)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as e:
            raise AttributeError(name) from e

    def __setattr__(self, name, value):
        self[name] = value

    def merge_from_file(self, path):
        with open(path) as f:
            self._merge(yaml.safe_load(f) or {})

    def merge_from_list(self, pairs):
        if len(pairs) % 2:
            raise ValueError(f'config overrides must be KEY VALUE pairs, got {pairs}')
        for key, value in zip(pairs[0::2], pairs[1::2]):
            node = self
            *parents, leaf = key.split('.')
            for part in parents:
                node = node[part]
            if leaf not in node:
                raise KeyError(f'unknown config key {key}')
            node[leaf] = _coerce(_literal(value), node[leaf])

    def _merge(self, tree):
        for key, value in tree.items():
            if isinstance(value, dict):
                self[key]._merge(value)
            else:
                self[key] = _coerce(_literal(value), self.get(key))

    def freeze(self):
        pass

    def defrost(self):
        pass

    def clone(self):
        return copy.deepcopy(self)


def _coerce(value, default):
    """As yacs: a list where the default is a tuple (and back), an int where the default is a float."""
    if isinstance(default, tuple) and isinstance(value, list):
        return tuple(value)
    if isinstance(default, list) and isinstance(value, tuple):
        return list(value)
    if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def install_yacs_stand_in():
    yacs = types.ModuleType('yacs')
    config = types.ModuleType('yacs.config')
    config.CfgNode = CfgNode
    yacs.config = config
    sys.modules['yacs'] = yacs
    sys.modules['yacs.config'] = config


def install_nms_stand_in():
    import torchvision

    nms = types.ModuleType('ssd.utils.nms')
    nms.nms = torchvision.ops.nms
    nms.batched_nms = torchvision.ops.batched_nms
    sys.modules['ssd.utils.nms'] = nms


def install_stand_ins():
    install_yacs_stand_in()
    install_nms_stand_in()
