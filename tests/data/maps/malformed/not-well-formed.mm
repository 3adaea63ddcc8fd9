<map version="1.0.1">
<node TEXT="Centre">
<node TEXT="A">
<node TEXT="B"></nod>
</node>
</map>
