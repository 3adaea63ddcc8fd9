<map version="1.0.1">
<node TEXT="Centre">
<node TEXT="A"/>
<node ID="ID_2"><icon BUILTIN="idea"/></node>
</node>
</map>
